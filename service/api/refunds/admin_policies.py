"""Admin console: refund policies, changed by finance or an org admin at the root."""

from flask.views import MethodView
from sqlalchemy import select

from service.api.refunds.schemas import RefundPolicySchema, RefundPolicyUpdateSchema
from service.domain.errors import RuleViolation
from service.extensions import db
from service.identity import audit
from service.identity.auth import admin_required, current_admin
from service.models.refunds import RefundPolicy
from service.refunds.policies import refuse_overlap
from service.web.blueprint import Blueprint
from service.web.errors import abort

blp = Blueprint("refund_policies", __name__, description="工会经费返还：政策维护")
POLICY_FIELDS = ("name", "period_start", "period_end", "apply_from", "apply_until",
                 "eligible_size_classes", "max_paid_fen", "refund_ratio", "grassroots_share")


def _require_root() -> None:
    if current_admin().org.parent_id is not None:
        abort(403, "root_org_required", "返还政策只能由市总工会维护")


def _checked(values: dict, policy_id: int | None = None) -> dict:
    """Cross-field rules of a complete policy (RuleViolation / 409 on error)."""
    if values["period_start"] > values["period_end"]:
        raise RuleViolation("policy_period_invalid", "政策期末不能早于期初", "period_end")
    if values["apply_from"] > values["apply_until"]:
        raise RuleViolation("policy_window_invalid", "申报截止日期不能早于开始日期", "apply_until")
    if values["grassroots_share"] > values["refund_ratio"]:
        raise RuleViolation("policy_ratio_invalid", "返还比例不能低于基层工会已留成的比例",
                            "grassroots_share")
    if not values["eligible_size_classes"] and values["max_paid_fen"] is None:
        raise RuleViolation("policy_rule_missing", "请至少设定适用的企业规模或小额缴费标准",
                            "eligible_size_classes")
    refuse_overlap(values["period_start"], values["period_end"], policy_id)
    return values


def _snapshot(policy: RefundPolicy) -> dict:
    dumped = RefundPolicySchema().dump(policy)
    return {name: dumped[name] for name in POLICY_FIELDS}


def _name_taken(name: str, policy_id: int | None = None) -> None:
    query = select(RefundPolicy.id).where(RefundPolicy.name == name)
    if policy_id is not None:
        query = query.where(RefundPolicy.id != policy_id)
    if db.session.scalar(query) is not None:
        abort(409, "policy_name_taken", "已有同名的返还政策")


@blp.route("/policies")
class AdminPolicies(MethodView):
    @admin_required("finance", "org_admin")
    @blp.arguments(RefundPolicySchema)
    @blp.response(201, RefundPolicySchema)
    def post(self, data):
        """Add a policy for a period that no other policy covers."""
        _require_root()
        values = _checked(data)
        _name_taken(values["name"])
        policy = RefundPolicy(**{k: v for k, v in values.items() if k != "eligible_size_classes"})
        policy.eligible_size_classes = values["eligible_size_classes"]
        db.session.add(policy)
        db.session.flush()
        audit.record("refund_policy.create", object_type="refund_policy", object_id=policy.id,
                     org_id=current_admin().org_id, detail={"after": _snapshot(policy)})
        db.session.commit()
        return policy


@blp.route("/policies/<int:policy_id>")
class AdminPolicyDetail(MethodView):
    @admin_required("finance", "org_admin")
    @blp.arguments(RefundPolicyUpdateSchema)
    @blp.response(200, RefundPolicySchema)
    def patch(self, data, policy_id):
        """Change a policy; the audit log keeps the values before and after."""
        _require_root()
        policy = db.session.get(RefundPolicy, policy_id)
        if policy is None:
            abort(404, "policy_not_found", "返还政策不存在")
        before = _snapshot(policy)
        current = {name: getattr(policy, name) for name in POLICY_FIELDS}
        values = _checked({**current, **data}, policy.id)
        _name_taken(values["name"], policy.id)
        for name, value in values.items():
            setattr(policy, name, value)
        db.session.flush()
        audit.record("refund_policy.update", object_type="refund_policy", object_id=policy.id,
                     org_id=current_admin().org_id,
                     detail={"fields": sorted(data), "before": before, "after": _snapshot(policy)})
        db.session.commit()
        return policy
