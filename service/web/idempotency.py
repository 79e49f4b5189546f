"""Idempotency-Key for every creating POST: a replay returns the first answer, creates nothing."""

import hashlib
import logging
from datetime import timedelta

from flask import Flask, Response, g, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from service.core import clock
from service.extensions import db
from service.models.idempotency import IdempotentRequest
from service.web.errors import abort
from service.web.principal import principal_label

HEADER = "Idempotency-Key"
# A reservation older than this belongs to a request whose process died: take it over.
STALE_AFTER = timedelta(minutes=2)
log = logging.getLogger(__name__)


def _request_hash() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.mimetype == "multipart/form-data":
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(f"{name}={value}\n".encode())
        for name, upload in sorted(request.files.items(multi=True)):
            digest.update(f"{name}:{upload.filename}:".encode())
            while chunk := upload.stream.read(65536):
                digest.update(chunk)
            upload.stream.seek(0)
    else:
        digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _reserve(principal: str, key: str, request_hash: str) -> IdempotentRequest | None:
    """Insert the reservation, or return the existing record for this key."""
    for _ in range(2):
        try:
            record = IdempotentRequest(principal=principal, key=key, request_hash=request_hash)
            db.session.add(record)
            db.session.commit()
            g.idempotency_record_id = record.id
            return None
        except IntegrityError:
            db.session.rollback()
        existing = db.session.scalar(select(IdempotentRequest).where(
            IdempotentRequest.principal == principal, IdempotentRequest.key == key))
        if existing is None:
            continue
        if existing.status_code is None and existing.created_at < clock.now() - STALE_AFTER:
            db.session.execute(delete(IdempotentRequest).where(
                IdempotentRequest.id == existing.id, IdempotentRequest.status_code.is_(None)))
            db.session.commit()
            continue
        return existing
    abort(409, "request_in_progress", "相同的请求正在处理中，请稍后再试")


def init_app(app: Flask) -> None:
    """Reserve the key before the view runs; store a success or free the key after."""

    @app.before_request
    def replay_or_reserve():
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key:
            return None
        principal = principal_label()
        if principal is None:  # anonymous calls create nothing worth guarding
            return None
        if len(key) > 128 or not key.isprintable():
            abort(400, "idempotency_key_invalid", "Idempotency-Key 应为不超过128个字符的可打印文本")
        request_hash = _request_hash()
        existing = _reserve(principal, key, request_hash)
        if existing is None:
            return None
        if existing.request_hash != request_hash:
            abort(422, "idempotency_key_reused", "该 Idempotency-Key 已用于另一个请求，请换一个")
        if existing.status_code is None:
            abort(409, "request_in_progress", "相同的请求正在处理中，请稍后再试")
        replay = Response(existing.response_body, status=existing.status_code,
                          mimetype="application/json")
        replay.headers["Idempotent-Replayed"] = "true"
        return replay

    @app.after_request
    def remember(response: Response):
        record_id = g.pop("idempotency_record_id", None)
        if record_id is None:
            return response
        try:
            if response.status_code < 400 and response.is_json:
                db.session.execute(update(IdempotentRequest).where(
                    IdempotentRequest.id == record_id).values(
                    status_code=response.status_code,
                    response_body=response.get_data(as_text=True)))
            else:  # an error is not remembered: the client may fix it and retry
                db.session.execute(delete(IdempotentRequest).where(
                    IdempotentRequest.id == record_id))
            db.session.commit()
        except Exception:  # the answer is already decided; don't turn it into a 500
            db.session.rollback()
            log.warning("could not store the idempotent response", exc_info=True)
        return response
