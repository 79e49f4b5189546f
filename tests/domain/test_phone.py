import pytest

from service.domain.errors import RuleViolation
from service.domain.phone import normalize_mobile


@pytest.mark.parametrize(
    "raw",
    [
        "13812341234",
        " 138 1234 1234 ",
        "138-1234-1234",
        "+8613812341234",
        "+86 138-1234-1234",
        "8613812341234",
        "008613812341234",
        "１３８１２３４１２３４",
    ],
)
def test_accepted_forms(raw):
    assert normalize_mobile(raw) == "13812341234"


@pytest.mark.parametrize("raw", ["19912345678", "16612345678", "14712345678"])
def test_all_second_digits_3_to_9(raw):
    assert normalize_mobile(raw) == raw


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1381234123",
        "138123412345",
        "12812341234",
        "23812341234",
        "1381234123a",
        "+8612812341234",
        "861381234123",
        "02112345678",
        None,
    ],
)
def test_rejected(raw):
    with pytest.raises(RuleViolation) as caught:
        normalize_mobile(raw)
    assert caught.value.code == "phone_invalid"
    assert caught.value.message == "手机号码应为11位数字，以1开头"
    assert caught.value.field == "phone"
