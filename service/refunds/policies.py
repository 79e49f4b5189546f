"""Refund policies as data: the known periods, and finding the one for a year."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from service.domain.refund_eligibility import covers_year
from service.extensions import db
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


def ensure_default_policies() -> None:
    """Add the known policies that are missing, by name (the migration seeds them too)."""
    existing = set(db.session.scalars(select(RefundPolicy.name)))
    for values in DEFAULT_POLICIES:
        if values["name"] not in existing:
            policy = RefundPolicy(**{k: v for k, v in values.items()
                                     if k != "eligible_size_classes"})
            policy.eligible_size_classes = values["eligible_size_classes"]
            db.session.add(policy)
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
