"""The mini-program user: WeChat login, phone binding, who am I."""

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.core import clock
from service.core.pii import blind_index
from service.domain.masking import mask_phone
from service.domain.phone import normalize_mobile
from service.extensions import db, limiter, wechat
from service.identity.auth import MEMBER, current_user, issue_token, member_required
from service.models.accounts import User
from service.web.blueprint import Blueprint
from service.web.errors import abort
from service.web.limits import login_limit
from service.wechat import InvalidCode

blp = Blueprint("identity", __name__, description="小程序用户身份")


class CodeSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))


class MemberLoginUserSchema(Schema):
    id = fields.Integer()
    is_member = fields.Boolean()
    phone_bound = fields.Boolean()


class MemberLoginResultSchema(Schema):
    token = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(MemberLoginUserSchema)


class PhoneSchema(Schema):
    phone = fields.String()


class MeSchema(Schema):
    id = fields.Integer()
    phone = fields.String(allow_none=True)
    membership = fields.Dict(allow_none=True)


def describe(user: User) -> dict:
    """The user as the mini-program sees it; other features add to `membership`."""
    from service.joining.membership import membership_of

    membership = membership_of(user)
    return {"id": user.id, "phone": mask_phone(user.phone), "membership": membership,
            "is_member": membership is not None, "phone_bound": user.phone is not None}


def _user_for_openid(openid: str, unionid: str | None) -> User:
    user = db.session.scalar(select(User).where(User.openid == openid))
    if user is None:
        try:
            with db.session.begin_nested():
                user = User(openid=openid, unionid=unionid)
                db.session.add(user)
        except IntegrityError:  # the same user logging in twice at once
            user = db.session.scalar(select(User).where(User.openid == openid))
    return user


@blp.route("/auth/wechat-login")
class WeChatLogin(MethodView):
    decorators = [limiter.limit(login_limit)]

    @blp.arguments(CodeSchema)
    @blp.response(200, MemberLoginResultSchema)
    def post(self, data):
        """Exchange a wx.login code for a member token."""
        try:
            session = wechat.client.code2session(data["code"])
        except InvalidCode:
            abort(401, "wechat_code_invalid", "微信登录凭证无效或已过期，请重新登录")
        user = _user_for_openid(session["openid"], session.get("unionid"))
        user.last_login_at = clock.now()
        db.session.commit()
        token, expires_in = issue_token(MEMBER, user.id)
        return {"token": token, "expires_in": expires_in, "user": describe(user)}


@blp.route("/me")
class Me(MethodView):
    @member_required
    @blp.response(200, MeSchema)
    def get(self):
        """The current user, phone masked, with membership if any."""
        return describe(current_user())


@blp.route("/me/phone")
class MyPhone(MethodView):
    @member_required
    @blp.arguments(CodeSchema)
    @blp.response(200, PhoneSchema)
    def post(self, data):
        """Bind the phone number from a getPhoneNumber code."""
        user = current_user()
        try:
            info = wechat.client.phone_number(data["code"])
        except InvalidCode:
            abort(422, "phone_code_invalid", "获取手机号的凭证无效或已过期，请重新授权",
                  {"json": {"code": ["凭证无效或已过期"]}})
        phone = normalize_mobile(info["pure_phone_number"])
        user.phone = phone
        user.phone_index = blind_index("phone", phone)
        db.session.commit()
        return {"phone": mask_phone(phone)}
