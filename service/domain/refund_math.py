"""Amounts of the union fee refund, in integer fen with decimal ratios."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from service.domain.errors import RuleViolation

_RATIO_STEP = Decimal("0.0001")
_ONE_FEN = Decimal(1)


def parse_ratio(value: Decimal | int | str, *, field: str = "ratio") -> Decimal:
    """Read a ratio between 0 and 1 with at most 4 decimal places."""
    if isinstance(value, bool | float):
        # A float such as 0.65 is not exactly 0.65; ratios arrive as text or Decimal.
        raise TypeError(f"ratio must be a str, int or Decimal, not {type(value).__name__}")
    try:
        ratio = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        ratio = None
    if (
        ratio is None
        or not ratio.is_finite()
        or not 0 <= ratio <= 1
        or ratio != ratio.quantize(_RATIO_STEP)
    ):
        raise RuleViolation("ratio_invalid", "比例应为0到1之间的数，最多4位小数", field)
    return ratio


def format_ratio(ratio: Decimal) -> str:
    """Show a ratio with at least two decimals: "1.00", "0.65", "0.625"."""
    ratio = Decimal(ratio).normalize()
    if ratio.as_tuple().exponent > -2:
        ratio = ratio.quantize(Decimal("0.01"))
    return f"{ratio:f}"


def refundable_fen(paid_fen: int, refund_ratio: Decimal, grassroots_share: Decimal) -> int:
    """The part of the paid fee returned on top of the grassroots share, rounded half up."""
    if isinstance(paid_fen, bool) or not isinstance(paid_fen, int):
        raise TypeError("paid_fen must be an int")
    if paid_fen < 0:
        raise RuleViolation("amount_negative", "缴费金额不能为负数", "paid_fen")
    ratio = parse_ratio(refund_ratio, field="refund_ratio")
    share = parse_ratio(grassroots_share, field="grassroots_share")
    if share > ratio:
        raise RuleViolation(
            "policy_ratio_invalid", "返还比例不能低于基层工会已留成的比例", "grassroots_share"
        )
    amount = Decimal(paid_fen) * (ratio - share)
    return int(amount.quantize(_ONE_FEN, rounding=ROUND_HALF_UP))
