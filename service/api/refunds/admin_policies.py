"""Admin console: refund policies, changed by finance or an org admin at the root."""

from flask.views import MethodView

from service.api.refunds.schemas import RefundPolicySchema, RefundPolicyUpdateSchema
from service.extensions import db
from service.identity.auth import admin_required, current_admin
from service.refunds.policies import change_policy, create_policy
from service.web.blueprint import Blueprint, errors

blp = Blueprint("refund_policies", __name__, description="工会经费返还：政策维护")


@blp.route("/policies")
class AdminPolicies(MethodView):
    @admin_required("finance", "org_admin")
    @blp.arguments(RefundPolicySchema)
    @blp.response(201, RefundPolicySchema)
    @errors(409)
    def post(self, data):
        """新增返还政策

        政策的适用期间不得与其他政策重叠。
        """
        policy = create_policy(data, current_admin())
        db.session.commit()
        return policy


@blp.route("/policies/<int:policy_id>")
class AdminPolicyDetail(MethodView):
    @admin_required("finance", "org_admin")
    @blp.arguments(RefundPolicyUpdateSchema)
    @blp.response(200, RefundPolicySchema)
    @errors(404, 409)
    def patch(self, data, policy_id):
        """修改返还政策

        审计日志会记录修改前后的值。
        """
        policy = change_policy(policy_id, data, current_admin())
        db.session.commit()
        return policy
