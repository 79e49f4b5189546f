"""Who is calling: signed bearer tokens, the two principal kinds, roles and org scope."""

import functools
import secrets
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from service.core import clock
from service.extensions import db
from service.models.accounts import Admin, User
from service.models.orgs import Org, subtree_ids
from service.web import principal
from service.web.blueprint import declare_errors
from service.web.errors import abort

MEMBER, ADMIN = "member", "admin"
# org_admin runs its subtree's membership and stations; money needs its own roles.
IMPLIED_ROLES = {"org_admin": {"member_reviewer", "station_manager"}}
SECURITY = [{"bearerAuth": []}]


@dataclass(frozen=True)
class Claims:
    kind: str
    subject: int
    version: int
    session: str | None = None  # one per sign-in; the session kept by a password change


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="auth-token")


def issue_token(kind: str, subject: int, version: int = 1) -> tuple[str, int]:
    """A signed token and its lifetime in seconds."""
    claims = {"k": kind, "s": subject, "v": version, "i": secrets.token_hex(8)}
    return _serializer().dumps(claims), _ttl(kind)


def read_claims() -> Claims | None:
    """The verified claims of the request's bearer token, or None; never aborts."""
    if "claims" in g:
        return g.claims
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    claims = None
    if scheme.lower() == "bearer" and token:
        try:
            data, signed_at = _serializer().loads(token.strip(), return_timestamp=True)
            claims = Claims(data["k"], int(data["s"]), int(data.get("v", 1)), data.get("i"))
            if (clock.now() - signed_at).total_seconds() > _ttl(claims.kind):
                raise SignatureExpired("token expired")
        except (BadSignature, KeyError, TypeError, ValueError):
            claims = None
    g.claims = claims
    return claims


def _ttl(kind: str) -> int:
    return current_app.config["ADMIN_TOKEN_TTL_SECONDS" if kind == ADMIN else "TOKEN_TTL_SECONDS"]


def init_app(app: Flask) -> None:
    """Let the HTTP pipeline (limits, idempotency) ask who is calling."""
    app.extensions[principal.EXTENSION] = principal_label


def principal_label() -> str | None:
    """'member:12' or 'admin:3' for logs and idempotency, from a valid token (or the staff
    console's session, which `act_as` filled in)."""
    if "principal_label" in g:
        return g.principal_label
    claims = read_claims()
    return f"{claims.kind}:{claims.subject}" if claims else None


def _require(kind: str) -> Claims:
    if not request.headers.get("Authorization"):
        abort(401, "token_missing", "请先登录")
    claims = read_claims()
    if claims is None:
        abort(401, "token_invalid", "登录已失效，请重新登录")
    if claims.kind != kind:
        if kind == ADMIN:
            abort(403, "admin_only", "仅工会工作人员可以访问")
        abort(403, "member_only", "请使用小程序登录后访问")
    g.principal_label = f"{claims.kind}:{claims.subject}"
    return claims


def current_user() -> User:
    """The WeChat user behind a member token (401/403 otherwise)."""
    if "user" not in g:
        claims = _require(MEMBER)
        user = db.session.get(User, claims.subject)
        if user is None or user.token_version != claims.version or user.erased_at is not None:
            abort(401, "token_invalid", "登录已失效，请重新登录")
        g.user = user
    return g.user


def current_admin(*, pending_password_ok: bool = False) -> Admin:
    """The staff account behind an admin token (401/403 otherwise).

    An account whose password was reset gets 403 `password_change_required` until it
    changes it; only the password route passes `pending_password_ok`.
    """
    if "admin" not in g:
        claims = _require(ADMIN)
        admin = db.session.get(Admin, claims.subject)
        if admin is None or not admin.is_active or not _admin_token_current(admin, claims):
            abort(401, "token_invalid", "登录已失效，请重新登录")
        g.admin = admin
    if g.admin.must_change_password and not pending_password_ok:
        abort(403, "password_change_required", "请先修改初始密码，再进行其他操作")
    return g.admin


def _admin_token_current(admin: Admin, claims: Claims) -> bool:
    # Issued since the last revocation, or the session that changed the password itself.
    return admin.token_version == claims.version or (
        admin.kept_session is not None and claims.session == admin.kept_session)


def session_current(admin: Admin, version: int, session: str | None) -> bool:
    """Whether a console session signed in at `version` still stands (the token rule)."""
    return admin.is_active and _admin_token_current(admin, Claims(ADMIN, admin.id, version,
                                                                   session))


def act_as(admin: Admin) -> None:
    """The request acts for `admin` (the console's session): `current_admin`, the audit log,
    limits and logs see it exactly as they see a bearer token's account."""
    g.admin = admin
    g.principal_label = f"{ADMIN}:{admin.id}"


def has_role(admin: Admin, role: str) -> bool:
    return any(r == role or role in IMPLIED_ROLES.get(r, ()) for r in admin.roles)


def _document(wrapper, status_codes):
    """Mark the view as needing a bearer token and declare the error answers it adds."""
    wrapper = declare_errors(wrapper, status_codes)
    wrapper._apidoc.setdefault("manual_doc", {})["security"] = SECURITY
    return wrapper


def member_required(view):
    """Only a WeChat user's token opens this view."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        current_user()
        return view(*args, **kwargs)

    return _document(wrapper, (401, 403))


def admin_required(*roles: str, pending_password_ok: bool = False):
    """Only staff with one of `roles` (any staff when none is named) open this view."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            admin = current_admin(pending_password_ok=pending_password_ok)
            if roles and not any(has_role(admin, role) for role in roles):
                abort(403, "role_required", "当前账号没有此操作的权限")
            return view(*args, **kwargs)

        wrapper.staff_roles = roles  # the console's menu shows a page to these roles only
        return _document(wrapper, (401, 403))

    return decorator


def scope_org_ids(admin: Admin | None = None):
    """A SELECT of the org ids the admin may see: its org's subtree."""
    return subtree_ids((admin or current_admin()).org)


def in_scope(org: Org, admin: Admin | None = None) -> bool:
    return (admin or current_admin()).org.contains(org)


def get_scoped(model, object_id, *, write: bool = False, org_of=None, hidden=None,
               not_found: str = "not_found", noun: str = "记录"):
    """Load `model` by id inside the admin's scope: outside is 404 to read, 403 to write.

    `hidden(obj)` true makes a row count as absent (checked before the scope); `not_found`
    and `noun` name the thing in the error.
    """
    obj = db.session.get(model, object_id)
    if obj is None or (hidden is not None and hidden(obj)):
        abort(404, not_found, f"{noun}不存在")
    org = org_of(obj) if org_of else (obj if isinstance(obj, Org) else obj.org)
    if not in_scope(org):
        if write:
            abort(403, "out_of_scope", f"该{noun}不在您所属组织的管辖范围内")
        abort(404, not_found, f"{noun}不存在")
    return obj
