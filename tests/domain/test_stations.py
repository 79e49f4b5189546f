import pytest

from service.domain.errors import RuleViolation
from service.domain.stations import (
    STATION_KINDS,
    meets_standard,
    parse_coord_system,
    parse_kind,
    parse_services,
    parse_status,
    parse_yes_no,
    validate_facilities,
)


@pytest.mark.parametrize(("text", "code"), [
    ("love_station", "love_station"),
    ("爱心驿站", "love_station"),
    ("户外劳动者服务站点", "love_station"),
    ("驿站", "love_station"),
    ("骑手之家", "rider_home"),
    (" 司机之家 ", "driver_home"),
    ("母婴室", "mother_baby_room"),
    ("女职工关爱室", "mother_baby_room"),
    ("爱心母婴室", "mother_baby_room"),
    ("MOTHER_BABY_ROOM", "mother_baby_room"),
])
def test_parse_kind(text, code):
    assert parse_kind(text) == code


def test_kinds_keep_their_order():
    assert list(STATION_KINDS) == ["love_station", "rider_home", "driver_home",
                                   "mother_baby_room"]


@pytest.mark.parametrize("text", ["加油站", "", None])
def test_unknown_kind_lists_the_allowed_names(text):
    with pytest.raises(RuleViolation) as exc:
        parse_kind(text)
    assert exc.value.code == "kind_invalid"
    assert exc.value.field == "kind"
    assert "爱心驿站、骑手之家、司机之家、爱心母婴室" in exc.value.message


@pytest.mark.parametrize(("value", "codes"), [
    ("饮水、热饭、充电", ["water", "meal_heating", "charging"]),
    ("充电,饮水", ["water", "charging"]),
    ("喝水，热水；微波炉;手机充电", ["water", "meal_heating", "charging"]),
    ("打气/维修", ["repair_tools"]),
    ("饮水/打气/维修/WiFi", ["water", "wifi", "repair_tools"]),
    ("打气、维修", ["repair_tools"]),
    ("WIFI 无线网络 wifi", ["wifi"]),
    ("药箱 医药箱", ["first_aid"]),
    ("water,charging", ["water", "charging"]),
    (["哺乳", "休息", "rest"], ["rest", "nursing"]),
    ("", []),
    (None, []),
])
def test_parse_services(value, codes):
    assert parse_services(value) == codes


@pytest.mark.parametrize(("value", "unknown"), [
    ("饮水、洗澡", "洗澡"),
    ("饮水/打气/修车", "修车"),
    ("热饭微波", "热饭微波"),
])
def test_unknown_service_is_named(value, unknown):
    with pytest.raises(RuleViolation) as exc:
        parse_services(value)
    assert exc.value.code == "services_invalid"
    assert f"“{unknown}”" in exc.value.message


@pytest.mark.parametrize(("text", "code"), [
    ("GCJ-02", "gcj02"), ("gcj02", "gcj02"), ("火星坐标", "gcj02"), ("高德", "gcj02"),
    ("腾讯", "gcj02"), ("WGS-84", "wgs84"), ("wgs84", "wgs84"), ("GPS", "wgs84"),
    ("BD-09", "bd09"), ("bd09", "bd09"), ("百度", "bd09"), ("", "gcj02"), (None, "gcj02"),
])
def test_parse_coord_system(text, code):
    assert parse_coord_system(text) == code


def test_unknown_coord_system():
    with pytest.raises(RuleViolation) as exc:
        parse_coord_system("CGCS2000")
    assert exc.value.code == "coord_invalid"


@pytest.mark.parametrize(("text", "code"), [
    ("开放", "open"), ("正常", "open"), ("open", "open"), ("", "open"),
    ("暂停", "suspended"), ("关闭", "closed"), ("closed", "closed"),
])
def test_parse_status(text, code):
    assert parse_status(text) == code


def test_unknown_status():
    with pytest.raises(RuleViolation) as exc:
        parse_status("装修中")
    assert exc.value.code == "status_invalid"


@pytest.mark.parametrize(("value", "result"), [
    ("是", True), ("否", False), ("Y", True), ("N", False), ("true", True), ("1", True),
    ("0", False), (1, True), (0, False), (True, True), ("", False), (None, False),
])
def test_parse_yes_no(value, result):
    assert parse_yes_no(value) is result


def test_parse_yes_no_default_and_error():
    assert parse_yes_no("", default=True) is True
    with pytest.raises(RuleViolation) as exc:
        parse_yes_no("也许", field="is_public")
    assert exc.value.code == "yes_no_invalid" and exc.value.field == "is_public"


FULL_ROOM = {"area_m2": 12.5, "nursing_seats": 2, "air_conditioning": True, "fridge": True,
             "sterilizer": True, "sofa": True, "washbasin": True, "changing_table": True,
             "crib": True}


def test_complete_room_meets_the_standard_even_in_public():
    assert meets_standard(FULL_ROOM, is_public=True) == (True, [])


def test_workplace_room_needs_no_changing_table_or_crib():
    room = {**FULL_ROOM, "changing_table": False, "crib": False}
    assert meets_standard(room, is_public=False) == (True, [])
    ok, missing = meets_standard(room, is_public=True)
    assert not ok
    assert missing == ["缺少婴儿尿布台", "缺少婴儿床"]


def test_missing_items_are_listed():
    room = {"area_m2": 8, "nursing_seats": 1, "air_conditioning": True}
    ok, missing = meets_standard(room, is_public=False)
    assert not ok
    assert missing == ["面积不足10平方米", "不能容纳2人以上同时哺乳", "缺少冰箱或冰柜",
                       "缺少消毒柜", "缺少沙发或座椅", "缺少洗手池"]


def test_validate_facilities_fills_missing_items():
    assert validate_facilities({"area_m2": 10}) == {
        "area_m2": 10, "nursing_seats": None, "air_conditioning": False, "fridge": False,
        "sterilizer": False, "sofa": False, "washbasin": False, "changing_table": False,
        "crib": False}


@pytest.mark.parametrize("facilities", [
    {"area_m2": -1}, {"area_m2": "12"}, {"area_m2": float("nan")}, {"nursing_seats": 2.5},
    {"nursing_seats": True}, {"fridge": "是"}, {"tv": True}, ["fridge"],
])
def test_invalid_facilities(facilities):
    with pytest.raises(RuleViolation) as exc:
        validate_facilities(facilities)
    assert exc.value.code == "facilities_invalid"
    assert exc.value.field == "facilities"
