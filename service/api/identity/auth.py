"""Signing in from the mini-program: a wx.login code for a member token."""

from flask.views import MethodView

from service.api.identity.schemas import MemberLoginResultSchema, WeChatLoginSchema
from service.extensions import db
from service.identity.auth import MEMBER, issue_token
from service.identity.users import describe, sign_in
from service.web.blueprint import Blueprint, errors
from service.web.limits import limit_wechat_login

blp = Blueprint("wechat_auth", __name__, description="小程序登录")


@blp.route("/auth/wechat-login")
class WeChatLogin(MethodView):
    decorators = [limit_wechat_login]

    @blp.arguments(WeChatLoginSchema)
    @blp.response(200, MemberLoginResultSchema)
    @errors(401, 429)
    def post(self, data):
        """用微信登录凭证换取会员令牌

        凭证即小程序 wx.login 返回的 code；由入会码打开时可附带 scene，计入该入会码的扫码后登录数。
        """
        user, created = sign_in(data["code"], data.get("scene"))
        # Read before the commit expires the user: the answer needs no further query.
        token, expires_in = issue_token(MEMBER, user.id, user.token_version)
        body = {"token": token, "expires_in": expires_in, "user": describe(user, new=created)}
        db.session.commit()
        return body
