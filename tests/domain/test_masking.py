import pytest

from service.domain.masking import mask_bank_account, mask_id_number, mask_name, mask_phone


def test_id_number():
    assert mask_id_number("41010219900307123X") == "410**************X"
    assert mask_id_number("410102199003071234") == "410**************4"
    assert len(mask_id_number("41010219900307123X")) == 18


def test_phone():
    assert mask_phone("13812341234") == "138****1234"


def test_bank_account():
    assert mask_bank_account("6222021234567891234") == "**** 1234"
    assert mask_bank_account("6222 0212 3456 7891 234") == "**** 1234"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三丰", "张**"), ("张三", "张*"), ("欧阳娜娜", "欧***"), ("张", "*"), ("", "")],
)
def test_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_bank_account, mask_name])
def test_none_stays_none(mask):
    assert mask(None) is None


@pytest.mark.parametrize(
    ("mask", "value"),
    [
        (mask_bank_account, "1234"),
        (mask_bank_account, "1234567"),
        (mask_phone, "1381234"),
        (mask_phone, "1381234123"),
        (mask_id_number, "410102199"),
        (mask_id_number, "410102900307123"),
        (mask_id_number, "12"),
    ],
)
def test_short_values_are_never_shown_in_full(mask, value):
    masked = mask(value)
    assert set(masked.replace(" ", "")) == {"*"}
    assert len(masked) >= 4


def test_short_account_becomes_four_stars():
    assert mask_bank_account("1234") == "****"
