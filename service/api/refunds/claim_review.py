"""Admin console: claims to enterprises of the caller's district, and deciding them."""

from flask.views import MethodView

from service.api.common import envelope
from service.api.refunds.claim_schemas import (
    EnterpriseClaimAdminSchema,
    EnterpriseClaimDecisionSchema,
    EnterpriseClaimQuerySchema,
)
from service.extensions import db
from service.identity.auth import admin_required, current_admin
from service.refunds import claims
from service.web.blueprint import Blueprint, errors
from service.web.pages import paginate

blp = Blueprint("refund_claim_review", __name__, description="工会经费返还：企业认领审核")
CLAIM_STAFF = ("refund_reviewer", "org_admin")


@blp.route("/enterprise-claims")
class ClaimList(MethodView):
    @admin_required(*CLAIM_STAFF)
    @blp.arguments(EnterpriseClaimQuerySchema, location="query")
    @blp.response(200, envelope(EnterpriseClaimAdminSchema))
    def get(self, args):
        """企业认领列表

        列出对所辖范围内企业的认领（传 `status=pending` 即为待审队列）。
        """
        return paginate(claims.claims_in_scope(args.get("status")), args)


@blp.route("/enterprise-claims/<int:claim_id>/licence")
class ClaimLicence(MethodView):
    @admin_required(*CLAIM_STAFF)
    @blp.response(200, description="营业执照（JPEG、PNG或PDF）", content_type="application/pdf")
    @errors(404)
    def get(self, claim_id):
        """查看认领人的营业执照

        查看操作记入审计日志。
        """
        response = claims.licence_download(claims.scoped_claim(claim_id))
        db.session.commit()
        return response


def _decide(decision: str, data: dict, claim_id: int):
    claim = claims.scoped_claim(claim_id, write=True)
    claims.decide(claim, decision, current_admin(), data.get("note"))
    db.session.commit()
    return claim


@blp.route("/enterprise-claims/<int:claim_id>/approve")
class ClaimApprove(MethodView):
    @admin_required(*CLAIM_STAFF)
    @blp.arguments(EnterpriseClaimDecisionSchema)
    @blp.response(200, EnterpriseClaimAdminSchema)
    @errors(404, 409)
    def post(self, data, claim_id):
        """通过企业认领

        将企业（及其返还申请）转到认领人账号下，操作记入审计日志。
        """
        return _decide("approve", data, claim_id)


@blp.route("/enterprise-claims/<int:claim_id>/reject")
class ClaimReject(MethodView):
    @admin_required(*CLAIM_STAFF)
    @blp.arguments(EnterpriseClaimDecisionSchema)
    @blp.response(200, EnterpriseClaimAdminSchema)
    @errors(404, 409)
    def post(self, data, claim_id):
        """驳回企业认领

        须填写理由；企业仍归原账号，操作记入审计日志。
        """
        return _decide("reject", data, claim_id)
