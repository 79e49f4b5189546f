"""Join codes per org and channel, as staff make and manage them."""

from flask.views import MethodView

from service.api.common import PageArgs, envelope
from service.api.joining.schemas import JoinCodeCreateSchema, JoinCodeSchema, JoinCodeUpdateSchema
from service.extensions import db
from service.identity.auth import admin_required, current_admin, get_scoped
from service.joining.codes import codes_of, describe_codes, image_response
from service.joining.staff import add_join_code, change_join_code
from service.models.join_codes import JoinCode
from service.models.orgs import Org
from service.web.blueprint import Blueprint, errors
from service.web.pages import paginate

blp = Blueprint("join_codes", __name__, description="入会码")


@blp.route("/orgs/<int:org_id>/join-codes")
class OrgJoinCodes(MethodView):
    @admin_required("member_reviewer")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, envelope(JoinCodeSchema))
    @errors(404)
    def get(self, args, org_id):
        """列出组织的入会码

        每个入会码附带扫码数、申请数和入会数。
        """
        org = get_scoped(Org, org_id)
        page = paginate(codes_of(org), args)
        return {**page, "items": describe_codes(page["items"])}

    @admin_required("member_reviewer")
    @blp.arguments(JoinCodeCreateSchema)
    @blp.response(201, JoinCodeSchema)
    @errors(404, 409)
    def post(self, data, org_id):
        """为某个渠道生成入会码

        二维码图片在此时从微信获取，仅获取这一次。
        """
        org = get_scoped(Org, org_id, write=True)
        body = add_join_code(org, data["label"], current_admin())
        db.session.commit()
        return body


@blp.route("/join-codes/<int:join_code_id>")
class JoinCodeDetail(MethodView):
    @admin_required("member_reviewer")
    @blp.arguments(JoinCodeUpdateSchema)
    @blp.response(200, JoinCodeSchema)
    @errors(404)
    def patch(self, data, join_code_id):
        """重命名或停用入会码

        已停用的入会码被扫描时返回 404。
        """
        code = get_scoped(JoinCode, join_code_id, write=True)
        body = change_join_code(code, data)
        db.session.commit()
        return body


@blp.route("/join-codes/<int:join_code_id>/image")
class JoinCodeImage(MethodView):
    @admin_required()
    @blp.response(200, content_type="image/png", description="小程序码图片（PNG或JPEG）")
    @errors(404)
    def get(self, join_code_id):
        """获取入会码图片

        即微信生成的原图，从数据库读取。
        """
        return image_response(get_scoped(JoinCode, join_code_id))
