"""Disputes over a person's ID number: staff of the holding org see both sides and decide."""

from flask.views import MethodView

from service.api.common import envelope
from service.api.joining.dispute_schemas import (
    JoinDisputeQuerySchema,
    JoinDisputeResolveSchema,
    JoinDisputeSchema,
)
from service.extensions import db
from service.identity.auth import admin_required, current_admin, get_scoped
from service.joining.dispute_resolution import resolve
from service.joining.disputes import disputes_query
from service.models.disputes import JoinDispute
from service.web.blueprint import Blueprint, errors
from service.web.pages import paginate

blp = Blueprint("join_disputes", __name__, description="入会身份核实")


def _scoped(dispute_id: int, write: bool = False) -> JoinDispute:
    return get_scoped(JoinDispute, dispute_id, write=write, org_of=lambda d: d.holder_org)


@blp.route("")
class JoinDisputes(MethodView):
    @admin_required("member_reviewer")
    @blp.arguments(JoinDisputeQuerySchema, location="query")
    @blp.response(200, envelope(JoinDisputeSchema))
    def get(self, args):
        """列出身份争议

        列出持有方为所辖范围内组织的身份争议，最新的在前。
        """
        return paginate(disputes_query(args), args)


@blp.route("/<int:dispute_id>")
class JoinDisputeItem(MethodView):
    @admin_required("member_reviewer")
    @blp.response(200, JoinDisputeSchema)
    @errors(404)
    def get(self, dispute_id):
        """查看一条身份争议

        包含申诉人与持有方的信息，证件号和手机号均脱敏显示。
        """
        return _scoped(dispute_id)


@blp.route("/<int:dispute_id>/resolve")
class JoinDisputeResolve(MethodView):
    @admin_required("member_reviewer")
    @blp.arguments(JoinDisputeResolveSchema)
    @blp.response(200, JoinDisputeSchema)
    @errors(404, 409)
    def post(self, data, dispute_id):
        """处理身份争议

        `move`：会籍（或进行中的入会申请）转给申诉人；`reject`：驳回申诉。
        """
        dispute = _scoped(dispute_id, write=True)
        resolve(dispute, current_admin(), data["decision"], data["note"])
        db.session.commit()
        return _scoped(dispute_id)
