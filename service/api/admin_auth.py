"""Staff sign-in: slow password hashes, lockout after repeated failures, rate limits."""

from datetime import timedelta

from flask import request
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from service.api.schemas import OrgBriefSchema
from service.core import clock
from service.extensions import db, limiter
from service.identity.auth import ADMIN, issue_token
from service.models.accounts import Admin
from service.web.blueprint import Blueprint
from service.web.errors import abort
from service.web.limits import login_limit

blp = Blueprint("admin_auth", __name__, description="工会工作人员登录")

MAX_FAILURES = 5
LOCK_MINUTES = 15
# Compared against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AdminLoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=1, max=256))


class AdminSchema(Schema):
    username = fields.String()
    display_name = fields.String(allow_none=True)
    org = fields.Nested(OrgBriefSchema)
    roles = fields.List(fields.String())


class AdminLoginResultSchema(Schema):
    token = fields.String()
    expires_in = fields.Integer()
    admin = fields.Nested(AdminSchema)


def _login_account_key() -> str:
    body = request.get_json(silent=True)
    username = body.get("username") if isinstance(body, dict) else None
    return f"admin-login:{str(username)[:64]}"


@blp.route("/login")
class AdminLogin(MethodView):
    decorators = [limiter.limit(login_limit),
                  limiter.limit(login_limit, key_func=_login_account_key)]

    @blp.arguments(AdminLoginSchema)
    @blp.response(200, AdminLoginResultSchema)
    def post(self, credentials):
        """Sign in with username and password; returns a bearer token."""
        admin = db.session.scalar(select(Admin).where(Admin.username == credentials["username"]))
        now = clock.now()
        if admin is not None and admin.locked_until and admin.locked_until > now:
            minutes = max(1, int((admin.locked_until - now).total_seconds() // 60) + 1)
            abort(429, "account_locked", f"登录失败次数过多，账号已临时锁定，请{minutes}分钟后再试")
        valid = check_password_hash(admin.password_hash if admin else _DUMMY_HASH,
                                    credentials["password"])
        if admin is None or not valid or not admin.is_active:
            if admin is not None:
                _count_failure(admin)
            abort(401, "invalid_credentials", "用户名或密码错误")
        admin.failed_logins = 0
        admin.locked_until = None
        admin.last_login_at = now
        db.session.commit()
        token, expires_in = issue_token(ADMIN, admin.id, admin.token_version)
        return {"token": token, "expires_in": expires_in, "admin": admin}


def _count_failure(admin: Admin) -> None:
    # One UPDATE, so failures counted by concurrent requests are not lost.
    db.session.execute(update(Admin).where(Admin.id == admin.id)
                       .values(failed_logins=Admin.failed_logins + 1))
    db.session.refresh(admin)
    if admin.failed_logins >= MAX_FAILURES:
        admin.locked_until = clock.now() + timedelta(minutes=LOCK_MINUTES)
        admin.failed_logins = 0
    db.session.commit()
