"""Attachment files: type by content, size limit, private storage under UPLOAD_DIR."""

import hashlib
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, send_file
from werkzeug.datastructures import FileStorage

from service.web.errors import abort

MAX_BYTES = 10 * 1024 * 1024
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


@contextmanager
def stored_upload(upload: FileStorage):
    """Write the upload to private storage; remove it again if the block raises."""
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
                if size > MAX_BYTES:
                    abort(413, "file_too_large", "文件不能超过10MB，请压缩后重新上传")
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
