"""The mini-program user: who am I, binding a phone number, my data, erasing my account."""

from flask.views import MethodView

from service.api.identity.schemas import (
    CodeSchema,
    MeSchema,
    MyDataSchema,
    PhoneSchema,
    ProfileCorrectionSchema,
    ProfileSchema,
)
from service.extensions import db
from service.identity.auth import current_user, member_required
from service.identity.erasure import erase_account
from service.identity.personal_data import correct_profile, export_personal_data
from service.identity.users import bind_phone, describe
from service.refunds import files
from service.web.blueprint import Blueprint, errors

blp = Blueprint("identity", __name__, description="小程序用户身份")
DOWNLOAD = {"Content-Disposition": 'attachment; filename="my-data.json"'}


@blp.route("/me")
class Me(MethodView):
    @member_required
    @blp.response(200, MeSchema)
    def get(self):
        """获取当前用户信息

        手机号脱敏显示；已入会的附带会籍信息。
        """
        return describe(current_user())

    @member_required
    @blp.response(204)
    @errors(409)
    def delete(self):
        """注销账号并删除个人信息

        没有会籍（含保留会籍）、没有审核中的入会申请、也没有办理中的经费返还申请时，
        删除账号的个人信息（统计数字保留，不含个人信息）；此后该账号的令牌全部失效。
        """
        stored = erase_account(current_user())
        db.session.commit()
        for name in stored:
            files.remove(name)


@blp.route("/me/data")
class MyData(MethodView):
    @member_required
    @blp.response(200, MyDataSchema)
    def get(self):
        """下载我的个人信息

        我们保存的关于本人的全部信息（JSON，可作为文件下载）；本人的身份证号、手机号、
        银行账号完整显示，此次查看记入审计日志。
        """
        body = export_personal_data(current_user())
        db.session.commit()
        return body, 200, DOWNLOAD


@blp.route("/me/profile")
class MyProfile(MethodView):
    @member_required
    @blp.arguments(ProfileCorrectionSchema)
    @blp.response(200, ProfileSchema)
    @errors(409)
    def patch(self, data):
        """更正我的手机号和工作单位

        手机号须经微信验证（getPhoneNumber 的 code）；更正会写入会籍和审核中的入会申请。
        """
        body = correct_profile(current_user(), data)
        db.session.commit()
        return body


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
