"""The member roster: list, detail with transfer history, export, transfer, card check."""

from flask.views import MethodView

from service.api.common import envelope
from service.api.members.schemas import (
    MemberCardCheckSchema,
    MemberCardHolderSchema,
    MemberDetailSchema,
    MemberExportQuerySchema,
    MemberQuerySchema,
    MemberSchema,
    MemberTransferInputSchema,
)
from service.extensions import db
from service.identity.auth import admin_required, current_admin, get_scoped
from service.joining.export import export_roster
from service.joining.membership import read_card_code
from service.joining.roster import member_query
from service.joining.staff import move_member
from service.models.members import Member
from service.models.orgs import Org
from service.web.blueprint import Blueprint, errors
from service.web.limits import limit_exact_lookups
from service.web.pages import paginate

blp = Blueprint("members", __name__, description="会员管理")


@blp.route("")
class Members(MethodView):
    decorators = [limit_exact_lookups]

    @admin_required("member_reviewer")
    @blp.arguments(MemberQuerySchema, location="query")
    @blp.response(200, envelope(MemberSchema))
    @errors(404)
    def get(self, args):
        """会员列表

        列出所辖范围内的会员，最新的在前；身份证号和手机号脱敏显示。
        """
        query = member_query(args)
        db.session.commit()  # the audit entry of an exact lookup
        return paginate(query, args)


@blp.route("/export")
class MemberExport(MethodView):
    decorators = [limit_exact_lookups]

    @admin_required("member_reviewer")
    @blp.arguments(MemberExportQuerySchema, location="query")
    @blp.response(200, content_type="application/vnd.openxmlformats-officedocument."
                  "spreadsheetml.sheet", description="会员名册（xlsx）")
    @errors(404)
    def get(self, args):
        """导出会员名册（xlsx）

        以流式下载；导出完整的身份证号和手机号需要 org_admin 角色并填写理由。
        """
        response = export_roster(current_admin(), args)
        db.session.commit()
        return response


@blp.route("/<int:member_id>")
class MemberDetail(MethodView):
    @admin_required("member_reviewer")
    @blp.response(200, MemberDetailSchema)
    @errors(404)
    def get(self, member_id):
        """查看会员详情

        包含会籍转移记录。
        """
        return get_scoped(Member, member_id)


@blp.route("/<int:member_id>/transfer")
class MemberTransferView(MethodView):
    @admin_required("member_reviewer")
    @blp.arguments(MemberTransferInputSchema)
    @blp.response(200, MemberDetailSchema)
    @errors(404, 409)
    def post(self, data, member_id):
        """会籍转移

        将会员转到另一个组织；转出和转入组织都须在调用者所辖范围内。
        """
        member = get_scoped(Member, member_id, write=True)
        target = get_scoped(Org, data["to_org_id"], write=True)
        move_member(member, target, data["reason"], current_admin())
        db.session.commit()
        return member


@blp.route("/verify-card")
class MemberCardCheck(MethodView):
    @admin_required()
    @blp.arguments(MemberCardCheckSchema)
    @blp.response(200, MemberCardHolderSchema)
    @errors(404)
    def post(self, data):
        """核验会员电子会员卡上的校验码

        任何工作人员均可核验，不限组织。
        """
        return read_card_code(data["verify_code"])
