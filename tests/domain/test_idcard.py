from datetime import date

import pytest

from service.domain.errors import RuleViolation
from service.domain.idcard import (
    age_on,
    id_check_char,
    make_id_number,
    normalize_id_number,
    parse_id_number,
)

TODAY = date(2024, 6, 15)


def rejection(raw, today=TODAY):
    with pytest.raises(RuleViolation) as caught:
        parse_id_number(raw, today)
    assert caught.value.field == "id_number"
    return caught.value


def with_check(first17):
    return first17 + id_check_char(first17)


# Check characters of these samples were computed by hand from the GB 11643 weights.
@pytest.mark.parametrize(
    ("number", "birth_date", "gender", "area_code"),
    [
        ("11010519491231002X", date(1949, 12, 31), "female", "110105"),
        ("11010119900307299X", date(1990, 3, 7), "male", "110101"),
        ("410102199003071230", date(1990, 3, 7), "male", "410102"),
    ],
)
def test_known_valid_numbers(number, birth_date, gender, area_code):
    info = parse_id_number(number, TODAY)

    assert info.number == number
    assert info.birth_date == birth_date
    assert info.gender == gender
    assert info.area_code == area_code
    assert info.province_code == area_code[:2]


def test_check_char_by_hand():
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("41010219900307123") == "0"


def test_generated_numbers_are_valid():
    for seq in (0, 1, 2, 517, 999):
        number = make_id_number("410102", date(1995, 8, 1), seq)
        info = parse_id_number(number, TODAY)
        assert info.gender == ("male" if seq % 2 else "female")
        assert info.birth_date == date(1995, 8, 1)


def test_make_id_number_matches_hand_computed_sample():
    assert make_id_number("410102", date(1990, 3, 7), 123) == "410102199003071230"


def test_lowercase_x_and_spaces_are_accepted_and_stored_uppercase():
    assert normalize_id_number(" 110105 19491231 002x ") == "11010519491231002X"
    assert parse_id_number("11010519491231002x", TODAY).number == "11010519491231002X"


def test_full_width_digits_are_folded():
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


@pytest.mark.parametrize(
    "raw",
    ["1101051949123100", "11010519491231002XX", "110105491231002", "1101051949123100A2", ""],
)
def test_wrong_length_or_characters(raw):
    error = rejection(raw)
    assert error.code == "id_number_format"
    assert error.message.startswith("身份证号码应为18位")


def test_none_is_a_format_error():
    assert rejection(None).code == "id_number_format"


def test_bad_check_character():
    error = rejection("110105194912310021")
    assert error.code == "id_number_checksum"
    assert error.message == "身份证号码校验位不正确，请核对后重新输入"


@pytest.mark.parametrize("birth", ["19900230", "19990229", "19901301", "19900100", "18991231"])
def test_impossible_birth_date(birth):
    error = rejection(with_check(f"410102{birth}123"))
    assert error.code == "id_number_birth_date"
    assert "不存在" in error.message


def test_leap_day_birth_date_is_accepted():
    info = parse_id_number(with_check("41010220000229123"), TODAY)
    assert info.birth_date == date(2000, 2, 29)


def test_birth_date_in_the_future():
    error = rejection(make_id_number("410102", date(2024, 6, 16), 1))
    assert error.code == "id_number_birth_date"
    assert "晚于今天" in error.message


def test_under_sixteen_the_day_before_the_birthday():
    error = rejection(make_id_number("410102", date(2008, 6, 16), 1))
    assert error.code == "id_number_underage"
    assert error.message.startswith("未满16周岁")


def test_sixteen_on_the_birthday():
    info = parse_id_number(make_id_number("410102", date(2008, 6, 15), 1), TODAY)
    assert info.birth_date == date(2008, 6, 15)


def test_age_of_someone_born_on_a_leap_day():
    assert age_on(date(2000, 2, 29), date(2001, 2, 28)) == 0
    assert age_on(date(2000, 2, 29), date(2001, 3, 1)) == 1


@pytest.mark.parametrize("area", ["990000", "710000", "000000", "811234"])
def test_unknown_area(area):
    assert rejection(make_id_number(area, date(1990, 1, 1), 1)).code == "id_number_area"


@pytest.mark.parametrize("area", ["810000", "820000", "830000"])
def test_hong_kong_macao_taiwan_residence_permits(area):
    info = parse_id_number(make_id_number(area, date(1990, 1, 1), 2), TODAY)
    assert info.area_code == area
    assert info.province_code == area[:2]


def test_every_mainland_province_is_known():
    provinces = [
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
    ]
    for province in provinces:
        parse_id_number(make_id_number(f"{province}0100", date(1990, 1, 1), 1), TODAY)
