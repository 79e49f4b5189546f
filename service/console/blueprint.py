"""The console's Blueprint: who is signed in, CSRF, the menu, and errors shown as pages."""

import logging
from dataclasses import dataclass

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from service.console import session as signed_in
from service.core import clock
from service.domain.errors import RuleViolation
from service.domain.masking import mask_id_number, mask_phone
from service.extensions import db
from service.identity.auth import act_as, has_role
from service.web.errors import DEFAULTS, ApiError
from service.web.validation_messages import field_message, schema_labels, translate_messages

log = logging.getLogger(__name__)
bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static")
csrf = CSRFProtect()
# Open without a session; everything else needs one.
PUBLIC = {"console.login", "console.static"}
# Open while a reset password waits to be changed.
PASSWORD_PENDING = {"console.password", "console.logout"}


@bp.before_request
def _signed_in():
    if request.endpoint in PUBLIC:
        if request.endpoint != "console.static":
            csrf.protect()
        return None
    admin, why = signed_in.current()
    if admin is None:
        if why:
            flash(why, "info")
        target = request.full_path if request.method == "GET" else None
        return redirect(url_for("console.login", next=target))
    act_as(admin)
    csrf.protect()
    if admin.must_change_password and request.endpoint not in PASSWORD_PENDING:
        flash("您的密码已被重置，请先修改密码再继续使用工作台", "info")
        return redirect(url_for("console.password"))
    return None


@bp.after_request
def _not_cached(response):
    # Pages show personal data (masked or, after a reveal, in full): never kept by a cache.
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.context_processor
def _layout():
    admin = g.get("admin")
    return {"admin": admin, "menu": menu(admin) if admin else []}


# (endpoint, label) in menu order. Who sees an item is who may open its page: the roles its
# view's `admin_required` names. An endpoint not (yet) mounted is left out.
MENU = [
    ("console.dashboard", "工作台"),
    ("console.review_queue", "入会审核"),
    ("console.members", "会员"),
    ("console.card_check", "会员卡核验"),
    ("console.join_codes", "入会码"),
    ("console.stations", "驿站与母婴室"),
    ("console.refunds", "经费返还"),
    ("console.staff", "人员"),
    ("console.audit", "审计日志"),
]


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: str
    url: str
    current: bool


def menu(admin) -> list[MenuItem]:
    """The menu items `admin`'s roles allow."""
    views = current_app.view_functions
    here = views.get(request.endpoint)
    exact = any(endpoint == request.endpoint for endpoint, _ in MENU)
    items = []
    for endpoint, label in MENU:
        view = views.get(endpoint)
        if view is None or admin.must_change_password:
            continue
        roles = getattr(view, "staff_roles", ())
        if roles and not any(has_role(admin, role) for role in roles):
            continue
        # The current area: the item's own page, or another page of the item's module.
        current = endpoint == request.endpoint if exact else (
            here is not None and here.__module__ == view.__module__)
        items.append(MenuItem(endpoint, label, url_for(endpoint), current))
    return items


@dataclass(frozen=True)
class Refusal:
    """Why a rule refused a form: the status, the Chinese message, the field it names."""

    status: int
    message: str
    field: str | None = None
    headers: dict | None = None


def attempt(rule, *args, **kwargs):
    """Run `rule`; (its result, None), or (None, Refusal) after rolling back a refusal.

    For forms: the page is shown again with the message and what was typed.
    """
    try:
        return rule(*args, **kwargs), None
    except ApiError as exc:
        db.session.rollback()
        return None, Refusal(exc.status, exc.message, _field_of(exc.errors), exc.headers)
    except RuleViolation as exc:
        db.session.rollback()
        return None, Refusal(422, exc.message, exc.field)


def check_form(schema, data: dict):
    """Load `data` with the API's own input schema: (values, None) or (None, Refusal)."""
    try:
        return schema().load(data), None
    except ValidationError as exc:
        errors = {"json": translate_messages(exc.messages)}
        message = field_message(errors, schema_labels(schema())) or DEFAULTS[422][1]
        return None, Refusal(422, message, _field_of(errors))


def _field_of(errors) -> str | None:
    fields = list((errors or {}).get("json", {}))
    return fields[0] if fields else None


def error_page(status: int, message: str, headers=None):
    return render_template("console/error.html", status=status, message=message), status, \
        headers or {}


@bp.route("/<path:unknown>")
def not_found(unknown):
    """工作台中不存在的页面"""
    return error_page(404, "页面不存在，请从左侧菜单进入")


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    db.session.rollback()
    if exc.status == 401:
        return redirect(url_for("console.login"))
    return error_page(exc.status, exc.message, exc.headers)


@bp.errorhandler(RuleViolation)
def _rule_violation(exc: RuleViolation):
    db.session.rollback()
    return error_page(422, exc.message)


@bp.errorhandler(CSRFError)
def _csrf_error(exc: CSRFError):
    return error_page(403, "页面已失效或来源无法验证（安全校验未通过），请返回上一页刷新后重试")


@bp.errorhandler(OperationalError)
def _database_down(exc: OperationalError):
    db.session.rollback()
    log.error("database unavailable: %s", type(exc.orig).__name__)
    return error_page(503, "数据库暂时不可用，请稍后再试")


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    status = exc.code or 500
    message = DEFAULTS.get(status, ("error", "请求失败"))[1]
    if status == 429 and getattr(getattr(exc, "limit", None), "error_message", None):
        message = exc.description
    headers = dict(getattr(exc, "data", None) and exc.data.get("headers") or {})
    return error_page(status, message, headers)


@bp.app_template_filter("shanghai")
def _shanghai(moment) -> str:
    """A moment as Zhengzhou's clock shows it."""
    return "" if moment is None else f"{moment.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}"


@bp.app_template_filter("mask_id")
def _mask_id(value) -> str:
    return mask_id_number(value) or ""


@bp.app_template_filter("mask_phone")
def _mask_phone(value) -> str:
    return mask_phone(value) or ""


@bp.app_template_filter("yuan")
def _yuan(fen) -> str:
    """Integer fen as yuan with two decimals: 123456 -> 1,234.56."""
    return f"{(fen or 0) / 100:,.2f}"
