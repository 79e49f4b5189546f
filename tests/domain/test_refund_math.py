from decimal import Decimal

import pytest

from service.domain.errors import RuleViolation
from service.domain.refund_math import format_ratio, parse_ratio, refundable_fen

FULL = Decimal("1.00")
ZHENGZHOU_SHARE = Decimal("0.65")


# Expectations worked out by hand: paid x (ratio - share), then half up to whole fen.
@pytest.mark.parametrize(
    ("paid", "ratio", "share", "expected"),
    [
        (12345, FULL, ZHENGZHOU_SHARE, 4321),  # 4320.75
        (1, FULL, ZHENGZHOU_SHARE, 0),  # 0.35
        (10, FULL, ZHENGZHOU_SHARE, 4),  # 3.5: a float 0.35 would give 3.4999... -> 3
        (30, FULL, ZHENGZHOU_SHARE, 11),  # 10.5
        (1, FULL, Decimal("0.5"), 1),  # 0.5
        (5, FULL, Decimal("0.5"), 3),  # 2.5: half up, not half to even
        (7, FULL, Decimal("0.625"), 3),  # 2.625
        (12345, FULL, Decimal("0.6543"), 4268),  # 4267.6665
        (100000, FULL, Decimal("0.6"), 40000),
        (0, FULL, ZHENGZHOU_SHARE, 0),
        (99999, ZHENGZHOU_SHARE, ZHENGZHOU_SHARE, 0),
        (200000, Decimal("0.8"), Decimal("0.6"), 40000),
    ],
)
def test_refundable_fen(paid, ratio, share, expected):
    assert refundable_fen(paid, ratio, share) == expected


def test_ratios_as_text_or_int():
    assert refundable_fen(12345, 1, "0.65") == 4321


def test_share_above_ratio_is_an_invalid_policy():
    with pytest.raises(ValueError) as caught:
        refundable_fen(100, Decimal("0.6"), Decimal("0.65"))
    assert caught.value.code == "policy_ratio_invalid"


def test_paid_fen_must_be_a_non_negative_int():
    with pytest.raises(RuleViolation) as caught:
        refundable_fen(-1, FULL, ZHENGZHOU_SHARE)
    assert caught.value.code == "amount_negative"
    for wrong in (True, 10.0, Decimal(10), "10"):
        with pytest.raises(TypeError):
            refundable_fen(wrong, FULL, ZHENGZHOU_SHARE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.65", Decimal("0.65")),
        (" 1 ", Decimal(1)),
        (0, Decimal(0)),
        (1, Decimal(1)),
        (Decimal("0.6543"), Decimal("0.6543")),
        (Decimal("0.65000"), Decimal("0.65")),
    ],
)
def test_parse_ratio(value, expected):
    assert parse_ratio(value) == expected


@pytest.mark.parametrize(
    "value", ["0.65431", "1.01", "-0.1", "", "abc", "NaN", "Infinity", 2, Decimal("1.0001")]
)
def test_parse_ratio_rejects(value):
    with pytest.raises(RuleViolation) as caught:
        parse_ratio(value, field="refund_ratio")
    assert (caught.value.code, caught.value.field) == ("ratio_invalid", "refund_ratio")


@pytest.mark.parametrize("value", [0.65, True, None])
def test_parse_ratio_refuses_floats_and_bools(value):
    with pytest.raises((TypeError, RuleViolation)):
        parse_ratio(value)


@pytest.mark.parametrize(
    ("ratio", "text"),
    [
        ("1", "1.00"),
        ("1.0000", "1.00"),
        ("0.65", "0.65"),
        ("0.6500", "0.65"),
        ("0.6", "0.60"),
        ("0.625", "0.625"),
        ("0.6543", "0.6543"),
        ("0", "0.00"),
        ("0.0001", "0.0001"),
    ],
)
def test_format_ratio(ratio, text):
    assert format_ratio(Decimal(ratio)) == text
