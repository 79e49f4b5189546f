from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from service.domain.refund_eligibility import assess, covers_year, format_yuan

SMALL_AND_MICRO = SimpleNamespace(
    period_start=date(2020, 1, 1), period_end=date(2022, 12, 31),
    apply_from=date(2020, 7, 1), apply_until=date(2023, 6, 30),
    eligible_size_classes=["micro", "small"], max_paid_fen=None,
    refund_ratio=Decimal("1.00"), grassroots_share=Decimal("0.65"))
SMALL_FEE = SimpleNamespace(
    period_start=date(2023, 1, 1), period_end=date(2024, 12, 31),
    apply_from=date(2023, 7, 1), apply_until=date(2025, 12, 31),
    eligible_size_classes=[], max_paid_fen=1_000_000,
    refund_ratio=Decimal("1.00"), grassroots_share=Decimal("0.65"))
FOUNDED = date(2019, 1, 1)


def test_a_small_enterprise_inside_the_window_is_eligible():
    result = assess(SMALL_AND_MICRO, size_class="small", union_established_on=FOUNDED,
                    paid_fen=12345, today=date(2023, 6, 30))
    assert result.eligible and result.reasons == () and result.refundable_fen == 4321


def test_every_failed_condition_gives_its_own_reason():
    result = assess(SMALL_AND_MICRO, size_class="large", union_established_on=date(2023, 1, 2),
                    paid_fen=100, today=date(2020, 6, 30))
    assert not result.eligible
    assert result.reasons == (
        "工会成立日期2023-01-02晚于政策期末2022-12-31，不符合“已建立工会”的条件",
        "企业规模为大型，本政策仅适用于微型、小型企业",
        "申报期自2020-07-01开始，请届时再申报",
    )


@pytest.mark.parametrize(("paid_fen", "eligible"), [(1_000_000, True), (1_000_001, False)])
def test_the_fee_threshold_is_inclusive(paid_fen, eligible):
    result = assess(SMALL_FEE, size_class="large", union_established_on=FOUNDED,
                    paid_fen=paid_fen, today=date(2024, 1, 1))
    assert result.eligible is eligible


def test_a_policy_with_both_rules_accepts_either():
    both = SimpleNamespace(**{**vars(SMALL_FEE), "eligible_size_classes": ["micro"]})
    assert assess(both, size_class="micro", union_established_on=FOUNDED,
                  paid_fen=5_000_000, today=date(2024, 1, 1)).eligible
    result = assess(both, size_class="small", union_established_on=FOUNDED,
                    paid_fen=5_000_000, today=date(2024, 1, 1))
    assert result.reasons == ("企业规模为小型，本政策仅适用于微型企业；"
                              "缴费金额50000.00元超过小额缴费标准10000.00元",)


def test_years_and_yuan():
    assert covers_year(date(2023, 1, 1), date(2024, 12, 31), 2024)
    assert not covers_year(date(2023, 1, 1), date(2024, 12, 31), 2025)
    assert format_yuan(123456) == "1234.56" and format_yuan(5) == "0.05"
