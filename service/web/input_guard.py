"""One check on every request's text: JSON bodies, query strings and form fields.

Refused: characters no person types and no export can hold (service/core/text.py), 422
naming the field; JSON nested deeper than `MAX_DEPTH`, 400, before any view reads it.
"""

from flask import Flask, request

from service.core.text import is_unsafe, visible
from service.web.errors import abort
from service.web.validation_messages import label

MAX_DEPTH = 32
_TOO_DEEP = f"请求体的嵌套层级过深，不能超过{MAX_DEPTH}层"


def _json_body():
    """The parsed body, None when it is not JSON; 400 when nested past what can be read."""
    try:
        return request.get_json(silent=True)
    except RecursionError:  # the parser gave up: far deeper than MAX_DEPTH
        abort(400, "json_too_deep", _TOO_DEEP)


def _first_bad_field(body):
    """The path to the first unsafe key or string in `body`, read without recursion."""
    stack = [(body, (), 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if is_unsafe(value):
                return path
            continue
        if isinstance(value, dict):
            items = list(value.items())
        elif isinstance(value, list):
            items = list(enumerate(value))
        else:
            continue
        if depth >= MAX_DEPTH:
            abort(400, "json_too_deep", _TOO_DEEP)
        for key, item in reversed(items):  # reversed: the first field is reported first
            if isinstance(key, str) and is_unsafe(key):
                return (*path, key)
            stack.append((item, (*path, key), depth + 1))
    return None


def _refuse(location: str, path) -> None:
    name = next((p for p in reversed(path) if isinstance(p, str) and not is_unsafe(p)), None)
    field = visible(".".join(str(p) for p in path)) or "body"
    message = f"{label(name or field)}含有不可见字符或无法保存的字符，请删除后重试"
    abort(422, "text_invalid", message, {location: {field: [message]}})


def _first_bad_pair(pairs):
    for key, value in pairs.items(multi=True):
        if is_unsafe(key) or is_unsafe(value):
            return key
    return None


def init_app(app: Flask) -> None:
    """Refuse control characters, noncharacters and lone surrogates, naming the field."""

    @app.before_request
    def refuse_unsafe_text():
        # nginx passes a typed query on byte for byte: UTF-8 is read as such, anything
        # else is refused here rather than failing wherever the arguments are read.
        try:
            request.query_string.decode()
        except UnicodeDecodeError:
            abort(400, "query_not_utf8", "网址中的查询参数不是有效的 UTF-8 文字，请检查后重试")
        field = _first_bad_pair(request.args)
        if field is not None:
            _refuse("query", (field,))
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if request.mimetype != "multipart/form-data":
                request.get_data(cache=True)  # kept for the idempotency hash: parsing eats it
            field = _first_bad_pair(request.form)
            if field is not None:
                _refuse("form", (field,))
        if request.is_json:
            path = _first_bad_field(_json_body())
            if path is not None:
                _refuse("json", path)
