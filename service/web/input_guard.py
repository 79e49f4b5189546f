"""One check on every JSON body: text must not carry control characters."""

from flask import Flask, request

from service.web.errors import abort
from service.web.validation_messages import label

ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def _bad_text(value) -> bool:
    return any((ch < " " and ch not in ALLOWED_CONTROLS) or ch == "\x7f" for ch in value)


def _first_bad_field(value, path=()):
    if isinstance(value, str):
        return path if _bad_text(value) else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and _bad_text(key):
            return (*path, key)
        found = _first_bad_field(item, (*path, key))
        if found is not None:
            return found
    return None


def init_app(app: Flask) -> None:
    """Refuse NUL and other control characters in any JSON text, naming the field."""

    @app.before_request
    def refuse_query_strings_that_are_not_utf8():
        # nginx passes a typed query on byte for byte: UTF-8 is read as such, anything
        # else is refused here rather than failing wherever the arguments are read.
        try:
            request.query_string.decode()
        except UnicodeDecodeError:
            abort(400, "query_not_utf8", "网址中的查询参数不是有效的 UTF-8 文字，请检查后重试")

    @app.before_request
    def refuse_control_characters():
        if not request.is_json or request.method in ("GET", "HEAD", "OPTIONS"):
            return
        body = request.get_json(silent=True)
        path = _first_bad_field(body)
        if path is None:
            return
        field = str(next((p for p in path if isinstance(p, str)), "body"))
        message = f"{label(field)}含有不可见的控制字符，请删除后重试"
        abort(422, "text_invalid", message, {"json": {field: [message]}})
