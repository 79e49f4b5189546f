"""Attachment files: type by content, size limit, private storage under UPLOAD_DIR."""

import hashlib
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, send_file
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from service.extensions import db
from service.models.refund_applications import RefundApplication, RefundAttachment
from service.web.errors import abort

MIB = 1024 * 1024
MAX_BYTES = 10 * MIB
# Per application: enough for every required document several times over, never a dump.
MAX_FILES_PER_APPLICATION = 20
MAX_BYTES_PER_APPLICATION = 50 * MIB
CHUNK = 64 * 1024
# (magic bytes, content type, file extension)
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)
EXTENSIONS = {content_type: ext for _, content_type, ext in SIGNATURES}


@dataclass(frozen=True)
class StoredFile:
    name: str
    content_type: str
    size_bytes: int
    sha256: str


def sniff(head: bytes) -> str | None:
    """The content type the first bytes announce, if it is one we accept."""
    return next((kind for magic, kind, _ in SIGNATURES if head.startswith(magic)), None)


def _root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "refunds"


def path_of(name: str) -> Path:
    """Where a stored file lives; the name is ours (hex), never the client's."""
    if not name.isalnum():
        raise ValueError("not a stored file name")
    return _root() / name[:2] / name


def room_left(application: RefundApplication) -> int:
    """Bytes the application may still take; 409 once it holds its 20 files."""
    # The application's row is locked so two uploads at once cannot both fit the quota.
    db.session.execute(select(RefundApplication.id).where(
        RefundApplication.id == application.id).with_for_update())
    used = func.coalesce(func.sum(RefundAttachment.size_bytes), 0)
    count, used = db.session.execute(
        select(func.count(RefundAttachment.id), used)
        .where(RefundAttachment.application_id == application.id)).one()
    if count >= MAX_FILES_PER_APPLICATION:
        abort(409, "too_many_attachments",
              f"每份申请最多上传{MAX_FILES_PER_APPLICATION}个文件，请删除不需要的文件后再上传")
    return MAX_BYTES_PER_APPLICATION - int(used)


def _too_large(size: int, room: int | None) -> None:
    if size > MAX_BYTES:
        abort(413, "file_too_large", "文件不能超过10MB，请压缩后重新上传")
    if room is not None and size > room:
        total, left = MAX_BYTES_PER_APPLICATION // MIB, max(room, 0) / MIB
        abort(413, "attachments_quota_exceeded",
              f"每份申请的文件合计不能超过{total}MB（还可上传{left:.1f}MB），"
              "请压缩或删除不需要的文件后再上传")


@contextmanager
def stored_upload(upload: FileStorage, room: int | None = None):
    """Write the upload to private storage; remove it again if the block raises.

    `room`: the bytes the upload may take at most besides the 10 MB per file (a quota).
    """
    stream = upload.stream
    head = stream.read(CHUNK)
    if not head:
        abort(422, "file_empty", "文件为空，请重新选择", {"multipart": {"file": ["文件为空"]}})
    content_type = sniff(head)
    if content_type is None:
        abort(415, "unsupported_file_type", "仅支持JPG、PNG图片或PDF文件")
    name = secrets.token_hex(16)
    target = path_of(name)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    partial = target.with_suffix(".part")
    digest, size = hashlib.sha256(), 0
    try:
        with open(partial, "xb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                _too_large(size, room)
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(CHUNK)
        os.replace(partial, target)
        yield StoredFile(name, content_type, size, digest.hexdigest())
    except BaseException:
        partial.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        raise


def remove(name: str) -> None:
    """Delete a stored file if it is there."""
    path_of(name).unlink(missing_ok=True)


def serve(attachment):
    """An attachment as a download named after its kind, never after the client's file."""
    extension = EXTENSIONS[attachment.content_type]
    name = f"{attachment.kind}-{attachment.application_id}-{attachment.id}.{extension}"
    return download(attachment.storage_name, attachment.content_type, name)


def show(attachment):
    """An attachment for the browser to display (an image in the page, a PDF in its viewer)."""
    path = path_of(attachment.storage_name)
    if not path.is_file():
        abort(404, "file_missing", "文件不存在或已被删除")
    response = send_file(path, mimetype=attachment.content_type, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def download(name: str, content_type: str, download_name: str):
    """The stored file as a download that browsers will not render or sniff."""
    path = path_of(name)
    if not path.is_file():
        abort(404, "file_missing", "文件不存在或已被删除")
    response = send_file(path, mimetype=content_type, as_attachment=True,
                         download_name=download_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
