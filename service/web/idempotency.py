"""Idempotency-Key for every creating POST: a replay returns the first answer, creates nothing.

The key is reserved inside the request's own database transaction, and the view's work and
the stored answer are committed with it in one commit (the view's own commits only release a
savepoint). So a reservation lives exactly as long as the request: if the process dies the
database rolls it all back when the connection drops, and a retry with the same key proceeds
at once. A concurrent request with the same key waits on the key's unique index (MariaDB: the
row lock) and then replays the committed answer.

When the database rolls that transaction back itself (the victim of a deadlock, a
migration's metadata lock among them), nothing of the attempt is kept, and the request is run
again from the start, up to ATTEMPTS times in all, as the database asks: the client gets the
answer of the attempt that went through.

SQLite (one writer, and an open transaction holds off the others' commits) commits the key
up front instead, as a reservation that a killed process leaves behind for STALE_AFTER.
"""

import hashlib
import io
import logging
import random
import time
from datetime import timedelta

from flask import Flask, Response, g, request
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from service.core import clock
from service.core.logs import RUN_AGAIN
from service.core.transactions import lost_lock_race, transaction_lost
from service.extensions import db
from service.models.idempotency import IdempotentRequest
from service.web.errors import abort, error_response
from service.web.principal import principal_label

HEADER = "Idempotency-Key"
# Reservations committed before the answer (by a release older than this one) that are older
# than this belong to a request whose process died: take them over.
STALE_AFTER = timedelta(minutes=2)
# Attempts in all for a keyed request whose transaction the database rolled back.
ATTEMPTS = 3
_LAST_ATTEMPT = "service.idempotency.last_attempt"  # in each attempt's WSGI environ
log = logging.getLogger(__name__)


def _no_write(data: bytes) -> None:
    """The WSGI `write()` callable, which werkzeug never uses (it answers through the
    iterable): refuse it rather than lose what an application would write."""
    raise RuntimeError("write() is not supported for keyed requests; return an iterable")


class _RunAgain:
    """WSGI: keep a keyed POST's body, and run the request again when an attempt asks to."""

    def __init__(self, wsgi_app, max_body: int):
        self.wsgi_app = wsgi_app
        self.max_body = max_body

    def _body(self, environ) -> bytes | None:
        if environ.get("REQUEST_METHOD") != "POST" or "HTTP_IDEMPOTENCY_KEY" not in environ:
            return None
        length = environ.get("CONTENT_LENGTH", "")
        if not length.isdigit() or int(length) > self.max_body:
            return None  # refused as too large (or unreadable) by the app itself
        return environ["wsgi.input"].read(int(length))

    def __call__(self, environ, start_response):
        body = self._body(environ)
        if body is None:
            return self.wsgi_app(environ, start_response)
        for attempt in range(1, ATTEMPTS + 1):
            attempt_environ = {**environ, "wsgi.input": io.BytesIO(body),
                               _LAST_ATTEMPT: attempt == ATTEMPTS}
            started = []

            def keep(status, headers, exc_info=None, started=started):
                started[:] = [status, headers, exc_info]
                return _no_write

            answer = self.wsgi_app(attempt_environ, keep)
            if not attempt_environ.get(RUN_AGAIN):
                start_response(*started)
                return answer
            if hasattr(answer, "close"):
                answer.close()
            time.sleep(random.uniform(0.02, 0.1) * attempt)
        raise AssertionError("unreachable")


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


def _close_request_transaction(commit: bool) -> None:
    connection, transaction = g.pop("idempotency_transaction")
    try:
        db.session.remove()
        if transaction.is_active:
            transaction.commit() if commit else transaction.rollback()
    finally:
        connection.close()


def _hold(principal: str, key: str, request_hash: str) -> bool:
    """Insert the key in a new transaction that becomes this request's; False if taken."""
    connection = db.engine.connect()
    g.idempotency_transaction = (connection, connection.begin())
    try:  # waits here while another live request holds the same key
        result = connection.execute(insert(IdempotentRequest).values(
            principal=principal, key=key, request_hash=request_hash, created_at=clock.now()))
    except IntegrityError:
        _close_request_transaction(commit=False)
        return False
    except OperationalError as exc:
        _close_request_transaction(commit=False)
        if lost_lock_race(exc):  # still held after the lock wait: the first is slow
            abort(409, "request_in_progress", "相同的请求正在处理中，请稍后再试")
        raise
    g.idempotency_record_id = result.inserted_primary_key[0]
    if connection.dialect.name == "sqlite":
        # One writer at a time, and an open transaction blocks the others' commits: a held
        # key would make every writer wait for this whole request, the WeChat token store's
        # own connection among them. Commit the key now; a killed process leaves it for
        # STALE_AFTER (SQLite serves one host; run several instances on MariaDB).
        _close_request_transaction(commit=True)
        return True
    # The view's commits release a savepoint; the real commit comes with the answer.
    db.session.remove()
    db.session.registry.set(Session(bind=connection, join_transaction_mode="create_savepoint"))
    return True


def _reserve(principal: str, key: str, request_hash: str) -> IdempotentRequest | None:
    """Hold the key for this request, or return the committed record for it."""
    for _ in range(2):
        if _hold(principal, key, request_hash):
            return None
        existing = db.session.scalar(select(IdempotentRequest).where(
            IdempotentRequest.principal == principal, IdempotentRequest.key == key))
        if existing is None:
            continue
        # A reservation committed without its answer by a release before this one.
        if existing.status_code is None and existing.created_at < clock.now() - STALE_AFTER:
            db.session.execute(delete(IdempotentRequest).where(
                IdempotentRequest.id == existing.id, IdempotentRequest.status_code.is_(None)))
            db.session.commit()
            continue
        return existing
    abort(409, "request_in_progress", "相同的请求正在处理中，请稍后再试")


def init_app(app: Flask) -> None:
    """Reserve the key before the view runs; store a success or free the key after."""
    app.wsgi_app = _RunAgain(app.wsgi_app, app.config.get("MAX_CONTENT_LENGTH") or 16 << 20)

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
        lost = g.get("database_error")
        if "idempotency_transaction" in g and lost is not None and transaction_lost(lost):
            # The database undid the whole attempt, the key with it: run it again (its
            # answer is dropped, and so is its access line: the attempt that answers logs).
            _close_request_transaction(commit=False)
            if not request.environ.get(_LAST_ATTEMPT, True):
                request.environ[RUN_AGAIN] = True
                log.warning("the database rolled back the request's transaction; "
                            "running it again")
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
            if "idempotency_transaction" in g:
                _close_request_transaction(commit=True)
        except Exception:
            db.session.rollback()
            if "idempotency_transaction" not in g:  # SQLite: the view has committed its work
                log.warning("could not store the idempotent response", exc_info=True)
                return response
            log.exception("could not commit the idempotent request")
            _close_request_transaction(commit=False)
            # Nothing was kept; the client may retry with the same key.
            return error_response(503, "commit_failed", "保存失败，请稍后重试")
        return response

    @app.teardown_request
    def roll_back_unanswered(_exc):
        if "idempotency_transaction" in g:  # the request ended without an answer
            _close_request_transaction(commit=False)
