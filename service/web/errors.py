"""One error payload for everything the app can answer with status >= 400."""

import logging
from http import HTTPStatus
from typing import NoReturn

from flask import Flask, g, jsonify, request
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from service.domain.errors import RuleViolation
from service.web.validation_messages import field_message, schema_labels, translate_messages
from service.wechat.errors import WeChatError, WeChatUnavailable

log = logging.getLogger(__name__)

# Default machine code and Chinese message per status.
DEFAULTS = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "没有权限执行此操作"),
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "操作与当前状态冲突"),
    413: ("payload_too_large", "上传内容过大"),
    415: ("unsupported_media_type", "不支持的文件类型"),
    422: ("validation_failed", "提交的内容有误，请检查后重试"),
    429: ("rate_limited", "操作过于频繁，请稍后再试"),
    500: ("internal_error", "服务器内部错误，请稍后再试"),
    502: ("upstream_error", "微信服务暂时不可用，请稍后再试"),
    503: ("service_unavailable", "服务暂时不可用，请稍后再试"),
}


class ApiError(Exception):
    """An error answered to the client as-is."""

    def __init__(self, status: int, error: str | None = None, message: str | None = None,
                 errors: dict | None = None, headers: dict | None = None):
        default_error, default_message = DEFAULTS.get(status, ("error", "请求失败"))
        super().__init__(message or default_message)
        self.status = status
        self.error = error or default_error
        self.message = message or default_message
        self.errors = errors
        self.headers = headers


def abort(status: int, error: str | None = None, message: str | None = None,
          errors: dict | None = None) -> NoReturn:
    """Stop the request with the standard error payload."""
    raise ApiError(status, error, message, errors)


def error_response(status: int, error: str, message: str, errors: dict | None = None,
                   headers: dict | None = None):
    """Build the JSON error response of API.md."""
    body = {"code": status, "status": HTTPStatus(status).phrase, "error": error,
            "message": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _from_http_exception(exc: HTTPException):
    status = exc.code or 500
    error, message = DEFAULTS.get(status, ("error", exc.name))
    data = getattr(exc, "data", None) or {}
    errors = None
    messages = data.get("messages")
    if status == 400 and messages and "json" in messages and isinstance(messages["json"], list):
        error, message = "malformed_json", "请求体不是合法的JSON"
    elif messages:
        errors = translate_messages(messages)
        if status == 422:
            labels = schema_labels(data.get("schema"))
            message = field_message(errors, labels) or message
    if status == 429:  # a limit's own Chinese message, never flask-limiter's "30 per 1 hour"
        limit = getattr(exc, "limit", None)
        message = exc.description if getattr(limit, "error_message", None) else DEFAULTS[429][1]
    headers = {k: v for k, v in (data.get("headers") or {}).items()}
    if status == 405 and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return error_response(status, error, message, errors, headers)


def _rollback():
    from service.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the session may be unusable; the answer matters more
        log.warning("rollback failed", exc_info=True)


def init_app(app: Flask) -> None:
    """Register the handlers; they override the ones flask-smorest installs."""

    @app.before_request
    def refuse_oversized_body():
        # Werkzeug only refuses a large body when a view reads it; refuse it up front.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and (request.content_length or 0) > limit:
            abort(413, message=f"请求内容过大，不能超过{limit // (1024 * 1024) or 1}MB")

    @app.errorhandler(ApiError)
    def handle_api_error(exc: ApiError):
        _rollback()
        return error_response(exc.status, exc.error, exc.message, exc.errors, exc.headers)

    @app.errorhandler(RuleViolation)
    def handle_rule_violation(exc: RuleViolation):
        _rollback()
        errors = {"json": {exc.field: [exc.message]}} if exc.field else None
        return error_response(422, exc.code, exc.message, errors)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        if (exc.code or 500) >= 500:
            _rollback()
        return _from_http_exception(exc)

    @app.errorhandler(WeChatUnavailable)
    def handle_wechat_down(exc: WeChatUnavailable):
        _rollback()
        log.warning("wechat unavailable: errcode %s", exc.errcode)
        return error_response(503, "wechat_unavailable", "微信服务暂时不可用，请稍后再试")

    @app.errorhandler(WeChatError)
    def handle_wechat_error(exc: WeChatError):
        _rollback()
        log.warning("wechat error: errcode %s", exc.errcode)
        return error_response(502, "wechat_error", "微信服务返回错误，请稍后再试")

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def handle_out_of_range(exc):
        # A safety net: schemas bound every number; a value the column cannot hold is 422.
        _rollback()
        log.warning("value out of range reached the database: %s", type(exc).__name__)
        return error_response(422, "value_out_of_range", "提交的数值超出允许范围")

    @app.errorhandler(OperationalError)
    def handle_database_down(exc: DBAPIError):
        g.database_error = exc  # read by the idempotency guard: it may run the request again
        _rollback()
        code = next(iter(getattr(exc.orig, "args", ())), None)
        log.error("database unavailable: %s %s", type(exc.orig).__name__,
                  code if isinstance(code, int) else "",
                  extra={"request_id": g.get("request_id")})
        return error_response(503, "database_unavailable", "数据库暂时不可用，请稍后再试")

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        _rollback()
        log.exception("unhandled error", extra={"request_id": g.get("request_id")})
        error, message = DEFAULTS[500]
        return error_response(500, error, message)
