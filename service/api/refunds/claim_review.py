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
        """Claims to enterprises of the caller's subtree (`status=pending` for the queue)."""
        return paginate(claims.claims_in_scope(args.get("status")), args)


@blp.route("/enterprise-claims/<int:claim_id>/licence")
class ClaimLicence(MethodView):
    @admin_required(*CLAIM_STAFF)
    @blp.response(200, description="营业执照（JPEG、PNG或PDF）", content_type="application/pdf")
    @errors(404)
    def get(self, claim_id):
        """The claimant's business licence (audited)."""
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
        """Move the enterprise (and its applications) to the claimant's account, audited."""
        return _decide("approve", data, claim_id)


@blp.route("/enterprise-claims/<int:claim_id>/reject")
class ClaimReject(MethodView):
    @admin_required(*CLAIM_STAFF)
    @blp.arguments(EnterpriseClaimDecisionSchema)
    @blp.response(200, EnterpriseClaimAdminSchema)
    @errors(404, 409)
    def post(self, data, claim_id):
        """Reject the claim with a reason; the enterprise stays where it is, audited."""
        return _decide("reject", data, claim_id)
