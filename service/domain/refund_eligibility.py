"""Whether an application meets a refund policy, with reasons an applicant can read."""

from dataclasses import dataclass
from datetime import date

from service.domain.refund_math import refundable_fen
from service.domain.sme import SIZE_CLASS_LABELS


@dataclass(frozen=True)
class Assessment:
    eligible: bool
    reasons: tuple[str, ...]
    refundable_fen: int


def format_yuan(fen: int) -> str:
    """Integer fen as yuan with two decimals: 123456 -> "1234.56"."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def covers_year(period_start: date, period_end: date, year: int) -> bool:
    """Whether a policy period overlaps the calendar year."""
    return period_start <= date(year, 12, 31) and period_end >= date(year, 1, 1)


def assess(policy, *, size_class: str, union_established_on: date, paid_fen: int,
           today: date) -> Assessment:
    """Check union, size or fee threshold and application window; compute the amount.

    `policy` has the fields of a refund policy (period, window, eligible size classes,
    max_paid_fen, refund_ratio, grassroots_share).
    """
    reasons = []
    if union_established_on > policy.period_end:
        reasons.append(f"工会成立日期{union_established_on.isoformat()}晚于政策期末"
                       f"{policy.period_end.isoformat()}，不符合“已建立工会”的条件")
    size_reason = _size_or_fee_reason(policy, size_class, paid_fen)
    if size_reason:
        reasons.append(size_reason)
    if today < policy.apply_from:
        reasons.append(f"申报期自{policy.apply_from.isoformat()}开始，请届时再申报")
    elif today > policy.apply_until:
        reasons.append(f"申报期已于{policy.apply_until.isoformat()}结束")
    amount = refundable_fen(paid_fen, policy.refund_ratio, policy.grassroots_share)
    return Assessment(not reasons, tuple(reasons), amount)


def _size_or_fee_reason(policy, size_class: str, paid_fen: int) -> str | None:
    classes = list(policy.eligible_size_classes)
    threshold = policy.max_paid_fen
    if size_class in classes or (threshold is not None and paid_fen <= threshold):
        return None
    parts = []
    if classes:
        allowed = "、".join(SIZE_CLASS_LABELS[c] for c in classes)
        parts.append(f"企业规模为{SIZE_CLASS_LABELS[size_class]}，本政策仅适用于{allowed}企业")
    if threshold is not None:
        parts.append(f"缴费金额{format_yuan(paid_fen)}元超过小额缴费标准"
                     f"{format_yuan(threshold)}元")
    return "；".join(parts) or "本政策未设定适用的企业规模或缴费标准"
