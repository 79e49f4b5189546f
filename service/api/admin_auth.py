"""Staff sign-in: slow password hashes, failures slowed per (username, address), rate limits."""

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from service.api.schemas import OrgBriefSchema
from service.core.database import utcnow
from service.core.proxies import client_address
from service.extensions import db, limiter
from service.identity.auth import ADMIN, issue_token
from service.identity.login import authenticate
from service.web.blueprint import Blueprint
from service.web.limits import login_limit

blp = Blueprint("admin_auth", __name__, description="工会工作人员登录")


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
    must_change_password = fields.Boolean()


@blp.route("/login")
class AdminLogin(MethodView):
    # Per client address only: a limit per username would let anyone lock a colleague out.
    decorators = [limiter.limit(login_limit)]

    @blp.arguments(AdminLoginSchema)
    @blp.response(200, AdminLoginResultSchema)
    def post(self, credentials):
        """Sign in with username and password; returns a bearer token."""
        admin = authenticate(credentials["username"], credentials["password"], client_address())
        admin.last_login_at = utcnow()
        db.session.commit()
        token, expires_in = issue_token(ADMIN, admin.id, admin.token_version)
        return {"token": token, "expires_in": expires_in, "admin": admin,
                "must_change_password": admin.must_change_password}
