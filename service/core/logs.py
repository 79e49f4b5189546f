"""Structured logs: one JSON line per request, request ids, no personal data."""

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request

from service.core.proxies import client_address

access_log = logging.getLogger("service.access")
# Set in the WSGI environ of a request attempt whose answer is dropped and that runs again
# (service/web/idempotency.py): the attempt that answers writes the access line.
RUN_AGAIN = "service.run_again"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Safety net: anything shaped like an ID number or a mobile number is masked in every line.
_PERSONAL = [
    (re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])"), r"\1********\2"),
    (re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)"), r"\1****\2"),
]


def redact(text: str) -> str:
    """Mask ID numbers and phone numbers inside free text."""
    for pattern, replacement in _PERSONAL:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON object per line."""

    FIELDS = ("request_id", "method", "path", "status", "duration_ms", "remote_addr",
              "principal")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name in self.FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    """Configure the root logger once and log every request."""
    root = logging.getLogger()
    if not any(getattr(h, "_service_handler", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._service_handler = True
        root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    # urllib3 logs whole URLs at DEBUG: WeChat's carry the app secret and access tokens.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    app.logger.handlers.clear()
    app.logger.propagate = True

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()
        supplied = request.headers.get("X-Request-ID", "")
        g.request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex

    @app.after_request
    def log_request(response):
        started = g.get("started", time.perf_counter())
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if request.environ.get(RUN_AGAIN):
            return response
        access_log.info(
            "request",
            extra={
                "request_id": g.get("request_id"),
                "method": request.method,
                # The path only: query strings may carry search terms such as phone numbers.
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "remote_addr": client_address(),
                "principal": g.get("principal_label"),
            },
        )
        return response
