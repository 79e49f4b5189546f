from datetime import UTC, datetime, timedelta, timezone

import pytest

from service.domain.errors import RuleViolation
from service.domain.hours import hours_text, is_open, parse_hours_text, validate_hours

SHANGHAI = timezone(timedelta(hours=8))
WEEKDAYS_9_TO_6 = {"weekly": {"mon": [["08:00", "18:00"]], "tue": [["08:00", "18:00"]],
                              "wed": [["08:00", "18:00"]], "thu": [["08:00", "18:00"]],
                              "fri": [["08:00", "18:00"]], "sat": [["09:00", "12:00"]]}}


def at(day, hhmm, tz=SHANGHAI):
    """A moment in the week of Monday 2026-11-23 (day 0 = Monday)."""
    hour, minute = map(int, hhmm.split(":"))
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=tz)


def weekly(**days):
    return validate_hours({"weekly": days})


def test_always_open_is_open_at_any_time():
    hours = validate_hours({"always_open": True})
    assert hours == {"always_open": True}
    assert is_open(hours, at(6, "03:00"))


def test_normal_day():
    hours = validate_hours(WEEKDAYS_9_TO_6)
    assert is_open(hours, at(2, "08:00"))
    assert is_open(hours, at(2, "17:59"))
    assert not is_open(hours, at(2, "18:00"))
    assert not is_open(hours, at(2, "07:59"))
    assert is_open(hours, at(5, "10:00"))


def test_sunday_closed_station_is_closed_on_sunday():
    hours = validate_hours(WEEKDAYS_9_TO_6)
    assert hours["weekly"]["sun"] == []
    assert not is_open(hours, at(6, "10:00"))


def test_range_across_midnight():
    hours = weekly(mon=[["22:00", "06:00"]])
    assert is_open(hours, at(0, "23:30"))
    assert is_open(hours, at(1, "03:00"))
    assert not is_open(hours, at(1, "07:00"))
    assert not is_open(hours, at(0, "21:59"))
    assert not is_open(hours, at(1, "22:30"))


def test_sunday_night_runs_into_monday():
    hours = weekly(sun=[["20:00", "02:00"]])
    assert is_open(hours, at(0, "01:00"))
    assert not is_open(hours, at(0, "02:00"))


def test_end_of_day_as_24_00():
    hours = weekly(fri=[["18:00", "24:00"]])
    assert is_open(hours, at(4, "23:59"))
    assert not is_open(hours, at(5, "00:00"))


def test_utc_time_is_converted_to_shanghai():
    # 2026-11-22 is a Sunday; 23:30 UTC is Monday 07:30 in Shanghai.
    hours = weekly(mon=[["07:00", "08:00"]])
    moment = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert is_open(hours, moment)
    assert not is_open(weekly(sun=[["07:00", "08:00"]]), moment)


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        is_open({"always_open": True}, datetime(2026, 11, 23, 8, 0))


def test_validation_normalises():
    hours = weekly(mon=[["14:00", "18:00"], ["8:00", "12:00"]])
    assert hours["weekly"]["mon"] == [["08:00", "12:00"], ["14:00", "18:00"]]
    assert set(hours["weekly"]) == {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
    every_day = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri",
                                                        "sat", "sun")}
    assert validate_hours({"weekly": every_day}) == {"always_open": True}


@pytest.mark.parametrize(("hours", "fragment"), [
    ({"weekly": {"monday": [["08:00", "18:00"]]}}, "monday"),
    ({"weekly": {"mon": [["08:00", "25:00"]]}}, "25:00"),
    ({"weekly": {"mon": [["8点", "18:00"]]}}, "8点"),
    ({"weekly": {"mon": [["24:00", "06:00"]]}}, "24:00"),
    ({"weekly": {"mon": [["08:00", "08:00"]]}}, "开始和结束时间相同"),
    ({"weekly": {"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}}, "重叠"),
    ({"weekly": {"mon": [["22:00", "06:00"]], "tue": [["05:00", "09:00"]]}}, "重叠"),
    ({"weekly": {"sun": [["22:00", "06:00"]], "mon": [["05:00", "09:00"]]}}, "重叠"),
    ({"weekly": {"mon": ["08:00-18:00"]}}, "08:00-18:00"),
    ({"always_open": "yes"}, "always_open"),
    ({"always_open": True, "weekly": {"mon": [["08:00", "18:00"]]}}, "24小时"),
    ({"open": True}, "always_open"),
    ("24小时", "always_open"),
])
def test_invalid_hours_are_rejected(hours, fragment):
    with pytest.raises(RuleViolation) as exc:
        validate_hours(hours)
    assert exc.value.code == "hours_invalid"
    assert exc.value.field == "hours"
    assert fragment in exc.value.message


def test_touching_ranges_are_allowed():
    hours = weekly(mon=[["08:00", "12:00"], ["12:00", "18:00"]])
    assert is_open(hours, at(0, "12:00"))


@pytest.mark.parametrize(("hours", "text"), [
    ({"always_open": True}, "24小时开放"),
    (WEEKDAYS_9_TO_6, "周一至周五 08:00-18:00；周六 09:00-12:00；周日休息"),
    ({"weekly": {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri",
                                                      "sat", "sun")}}, "每天 08:00-20:00"),
    ({"weekly": {"mon": [["22:00", "06:00"]]}}, "周一 22:00-次日06:00；周二至周日休息"),
    ({"weekly": {"sat": [["09:00", "12:00"], ["14:00", "17:00"]],
                 "sun": [["09:00", "12:00"], ["14:00", "17:00"]]}},
     "周一至周五休息；周六、周日 09:00-12:00、14:00-17:00"),
    ({"weekly": {}}, "每天休息"),
])
def test_hours_text_and_back(hours, text):
    normalised = validate_hours(hours)
    assert hours_text(normalised) == text
    assert parse_hours_text(text) == normalised


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


@pytest.mark.parametrize("text", ["24小时", "24小时开放", "全天", "7×24小时", "全天候开放"])
def test_parse_always_open(text):
    assert parse_hours_text(text) == {"always_open": True}


@pytest.mark.parametrize("text", [
    "周一至周五 08:00-18:00；周六 09:00-12:00",
    "周一至周五 08:00-18:00;周六 09:00-12:00",
    "周一至周五 8:00-18:00，周六 9:00-12:00",
    "周一-周五 08:00~18:00,周六 09:00—12:00",
    "星期一到星期五 08:00-18:00、星期六 09:00-12:00",
    "周一~周五：08:00至18:00；周六：09:00到12:00；周日休息",
    "周一至五 08：00－18：00；周六 09：00－12：00",
])
def test_parse_weekday_formats(text):
    hours = parse_hours_text(text)["weekly"]
    assert all(hours[day] == [["08:00", "18:00"]] for day in WEEKDAYS)
    assert hours["sat"] == [["09:00", "12:00"]]
    assert hours["sun"] == []


@pytest.mark.parametrize("text", ["周一至周五 08:00-12:00 14:00-18:00",
                                  "周一至周五 08:00-12:00、14:00-18:00"])
def test_parse_several_ranges_a_day(text):
    hours = parse_hours_text(text)["weekly"]
    assert hours["wed"] == [["08:00", "12:00"], ["14:00", "18:00"]]
    assert hours["sat"] == []


@pytest.mark.parametrize("text", ["每天 08:00-20:00", "每日 08:00-20:00", "08:00-20:00"])
def test_parse_every_day(text):
    assert parse_hours_text(text)["weekly"]["sun"] == [["08:00", "20:00"]]


def test_parse_sunday_names_and_overrides():
    assert parse_hours_text("周天 10:00-16:00")["weekly"]["sun"] == [["10:00", "16:00"]]
    assert parse_hours_text("星期日 10:00-16:00")["weekly"]["sun"] == [["10:00", "16:00"]]
    hours = parse_hours_text("每天 08:00-20:00；周日休息")["weekly"]
    assert hours["sat"] == [["08:00", "20:00"]] and hours["sun"] == []


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "为空"),
    ("周八 08:00-18:00", "“周八”"),
    ("周一至周五 08:00-18:00；节假日休息", "“节假日休息”"),
    ("周一至周五", "“周一至周五”"),
    ("周一 08:00-25:00", "“25:00”"),
    ("周一 8点到18点", "“8点到18点”"),
])
def test_parse_errors_quote_the_fragment(text, fragment):
    with pytest.raises(RuleViolation) as exc:
        parse_hours_text(text)
    assert exc.value.code == "hours_invalid"
    assert fragment in exc.value.message
