"""Staff sign-in: slow password hashes, failures slowed per (username, address), rate limits."""

from flask.views import MethodView

from service.api.identity.schemas import AdminLoginResultSchema, AdminLoginSchema
from service.core import clock
from service.core.proxies import client_address
from service.extensions import db, limiter
from service.identity.auth import ADMIN, issue_token
from service.identity.login import authenticate
from service.web.blueprint import Blueprint, errors
from service.web.limits import login_limit

blp = Blueprint("admin_auth", __name__, description="工会工作人员登录")


@blp.route("/login")
class AdminLogin(MethodView):
    # Per client address only: a limit per username would let anyone lock a colleague out.
    decorators = [limiter.limit(login_limit)]

    @blp.arguments(AdminLoginSchema)
    @blp.response(200, AdminLoginResultSchema)
    @errors(401, 429)
    def post(self, credentials):
        """用用户名和密码登录

        成功后返回 bearer 令牌。
        """
        admin = authenticate(credentials["username"], credentials["password"], client_address())
        admin.last_login_at = clock.now()
        db.session.commit()
        token, expires_in = issue_token(ADMIN, admin.id, admin.token_version)
        return {"token": token, "expires_in": expires_in, "admin": admin,
                "must_change_password": admin.must_change_password}
