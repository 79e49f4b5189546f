"""The mini-program user: who am I, binding a phone number."""

from flask.views import MethodView

from service.api.identity.schemas import CodeSchema, MeSchema, PhoneSchema
from service.extensions import db
from service.identity.auth import current_user, member_required
from service.identity.users import bind_phone, describe
from service.web.blueprint import Blueprint

blp = Blueprint("identity", __name__, description="小程序用户身份")


@blp.route("/me")
class Me(MethodView):
    @member_required
    @blp.response(200, MeSchema)
    def get(self):
        """获取当前用户信息

        手机号脱敏显示；已入会的附带会籍信息。
        """
        return describe(current_user())


@blp.route("/me/phone")
class MyPhone(MethodView):
    @member_required
    @blp.arguments(CodeSchema)
    @blp.response(200, PhoneSchema)
    def post(self, data):
        """绑定手机号

        用 getPhoneNumber 返回的 code 绑定微信手机号。
        """
        phone = bind_phone(current_user(), data["code"])
        db.session.commit()
        return {"phone": phone}
