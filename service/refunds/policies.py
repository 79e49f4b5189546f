"""Refund policies as data: the known periods, the one for a year, how staff change them."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from service.domain.errors import RuleViolation
from service.domain.refund_eligibility import covers_year
from service.domain.refund_math import format_ratio
from service.extensions import db
from service.identity import audit
from service.models.accounts import Admin
from service.models.refunds import RefundPolicy
from service.web.errors import abort

# The periods announced so far (DOMAIN.md). The fee threshold of the small-fee policy is
# set locally: 10,000 yuan is a default for staff to change.
DEFAULT_POLICIES = [
    {"name": "2020-2022年度小微企业工会经费全额返还",
     "period_start": date(2020, 1, 1), "period_end": date(2022, 12, 31),
     "apply_from": date(2020, 7, 1), "apply_until": date(2023, 6, 30),
     "eligible_size_classes": ["small", "micro"], "max_paid_fen": None,
     "refund_ratio": Decimal("1.00"), "grassroots_share": Decimal("0.65")},
    {"name": "2023-2024年度小额缴费工会组织工会经费全额返还",
     "period_start": date(2023, 1, 1), "period_end": date(2024, 12, 31),
     "apply_from": date(2023, 7, 1), "apply_until": date(2025, 12, 31),
     "eligible_size_classes": [], "max_paid_fen": 1_000_000,
     "refund_ratio": Decimal("1.00"), "grassroots_share": Decimal("0.65")},
]
POLICY_FIELDS = ("name", "period_start", "period_end", "apply_from", "apply_until",
                 "eligible_size_classes", "max_paid_fen", "refund_ratio", "grassroots_share")


def policies_newest_first():
    """Every policy, the latest period first (a query to page or read)."""
    return select(RefundPolicy).order_by(RefundPolicy.period_start.desc())


def ensure_default_policies() -> None:
    """Add the known policies that are missing, by name (the migration seeds them too)."""
    existing = set(db.session.scalars(select(RefundPolicy.name)))
    for values in DEFAULT_POLICIES:
        if values["name"] not in existing:
            db.session.add(_new_policy(values))
    db.session.flush()


def policy_for_year(year: int) -> RefundPolicy | None:
    """The policy whose period covers `year` (periods do not overlap)."""
    policies = db.session.scalars(
        select(RefundPolicy).where(RefundPolicy.period_start <= date(year, 12, 31),
                                   RefundPolicy.period_end >= date(year, 1, 1))
        .order_by(RefundPolicy.period_start).limit(2)).all()
    return next((p for p in policies if covers_year(p.period_start, p.period_end, year)), None)


def refuse_overlap(period_start: date, period_end: date, policy_id: int | None = None) -> None:
    """409 when another policy's period overlaps this one."""
    query = select(RefundPolicy).where(RefundPolicy.period_start <= period_end,
                                       RefundPolicy.period_end >= period_start)
    if policy_id is not None:
        query = query.where(RefundPolicy.id != policy_id)
    other = db.session.scalars(query.limit(1)).first()
    if other is not None:
        abort(409, "policy_overlap", f"政策期间与“{other.name}”重叠，同一年度只能适用一项政策")


def _new_policy(values: dict) -> RefundPolicy:
    # eligible_size_classes is a property over a text column: set after construction.
    policy = RefundPolicy(**{k: v for k, v in values.items() if k != "eligible_size_classes"})
    policy.eligible_size_classes = values["eligible_size_classes"]
    return policy


def refuse_unless_root(admin: Admin) -> None:
    """403 unless the admin belongs to the root org: policies are set citywide."""
    if admin.org.parent_id is not None:
        abort(403, "root_org_required", "返还政策只能由市总工会维护")


def create_policy(values: dict, admin: Admin) -> RefundPolicy:
    """Add a checked policy for a period no other policy covers (audited)."""
    refuse_unless_root(admin)
    values = _checked(values)
    policy = _new_policy(values)
    db.session.add(policy)
    db.session.flush()
    audit.record("refund_policy.create", object_type="refund_policy", object_id=policy.id,
                 org_id=admin.org_id, detail={"after": snapshot(policy)})
    return policy


def change_policy(policy_id: int, changes: dict, admin: Admin) -> RefundPolicy:
    """Apply `changes` to a policy, checked as a whole; the audit keeps before and after."""
    refuse_unless_root(admin)
    policy = db.session.get(RefundPolicy, policy_id)
    if policy is None:
        abort(404, "policy_not_found", "返还政策不存在")
    before = snapshot(policy)
    current = {name: getattr(policy, name) for name in POLICY_FIELDS}
    values = _checked({**current, **changes}, policy.id)
    for name, value in values.items():
        setattr(policy, name, value)
    db.session.flush()
    audit.record("refund_policy.update", object_type="refund_policy", object_id=policy.id,
                 org_id=admin.org_id,
                 detail={"fields": sorted(changes), "before": before, "after": snapshot(policy)})
    return policy


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
    _refuse_taken_name(values["name"], policy_id)
    return values


def _refuse_taken_name(name: str, policy_id: int | None = None) -> None:
    query = select(RefundPolicy.id).where(RefundPolicy.name == name)
    if policy_id is not None:
        query = query.where(RefundPolicy.id != policy_id)
    if db.session.scalar(query) is not None:
        abort(409, "policy_name_taken", "已有同名的返还政策")


def snapshot(policy: RefundPolicy) -> dict:
    """The policy's fields as the API writes them, for the audit log."""
    out = {}
    for name in POLICY_FIELDS:
        value = getattr(policy, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = format_ratio(value)
        out[name] = value
    return out
