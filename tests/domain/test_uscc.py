import pytest

from service.domain.errors import RuleViolation
from service.domain.uscc import (
    make_uscc,
    normalize_uscc,
    uscc_check_char,
    validate_union_uscc,
    validate_uscc,
)

# Published codes of well-known companies (e.g. 914403001922038216 is Huawei's); the
# first two were also checked by hand against the GB 32100 weights.
PUBLISHED = [
    "91350100M000100Y43",
    "914403001922038216",
    "9144030071526726XG",
    "91110108551385082Q",
    "91330100799655058B",
    "91370100780603055K",
    "91350500676532779B",
]


def violation(validate, raw):
    with pytest.raises(RuleViolation) as caught:
        validate(raw)
    assert caught.value.field == "uscc"
    return caught.value


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("00000000000000000", "0"),  # sum 0: (31 - 0) mod 31 = 0, not "31"
        ("10000000000000000", "Y"),  # sum 1 -> 30, the last letter
        ("D0000000000000000", "J"),  # D = 13 -> 18, J because I is skipped
        ("81410100000000000", "Q"),  # 8+3+36+27+26 = 100, 100 mod 31 = 7 -> 24
        ("91350100M000100Y4", "3"),
    ],
)
def test_check_char_by_hand(first17, check):
    assert uscc_check_char(first17) == check
    assert validate_uscc(first17 + check) == first17 + check


def test_normalises_case_and_spaces():
    assert normalize_uscc(" 9144030071526726xg ") == "9144030071526726XG"
    assert validate_uscc("9144 0300 7152 6726 xg") == "9144030071526726XG"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "91350100M000100Y4",
        "91350100M000100Y433",
        "91350100M000100Y4-",
        "91350100I000100Y43",
        "91350100O000100Y43",
        "91350100S000100Y43",
        "91350100V000100Y43",
        "91350100Z000100Y43",
        None,
    ],
)
def test_format(raw):
    error = violation(validate_uscc, raw)
    assert error.code == "uscc_format"
    assert "18位" in error.message


def test_wrong_check_char():
    error = violation(validate_uscc, "914403001922038217")
    assert error.code == "uscc_checksum"
    assert "校验位" in error.message


def test_generated_codes_are_valid():
    for first17 in ("81410102MA0000001", "91410100MA44XY7K2", "92410105MA9TQ5R0X"):
        code = make_uscc(first17)
        assert validate_uscc(code) == code


def test_union_code_needs_81():
    code = make_uscc("81410102MA0000001")
    assert validate_union_uscc(code) == code

    error = violation(validate_union_uscc, "914403001922038216")
    assert error.code == "union_uscc_prefix"
    assert error.message == "工会统一社会信用代码应以81开头"


def test_union_code_checks_format_and_check_char():
    assert violation(validate_union_uscc, "81410102").code == "uscc_format"
    assert violation(validate_union_uscc, "81410100000000000R").code == "uscc_checksum"


def test_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        uscc_check_char("9135010")
    with pytest.raises(ValueError):
        uscc_check_char("91350100I000100Y4")
