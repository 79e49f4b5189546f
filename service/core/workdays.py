"""Mainland China's working days, from the chinesecalendar library's State Council tables.

DOMAIN.md "Membership lifecycle": an application, transfer or withdrawal is due a number
of working days after its submission, counted from the Asia/Shanghai business date.
For a year the library does not know yet, Monday to Friday minus the fixed-date holidays
is the estimate (`estimated` true), and a warning is logged once a day so the operator
upgrades the library; a submission is never refused for it.
"""

import logging
from datetime import date, datetime, timedelta

import chinese_calendar

from service.core import clock

log = logging.getLogger(__name__)

DEFAULT_WORKING_DAYS = 15
# Holidays on fixed Gregorian dates (the lunar ones, Spring Festival, Qingming, Dragon Boat
# and Mid-Autumn, move every year and cannot be guessed): New Year's Day, Labour Day,
# the first three days of National Day.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})
_warned_on: set[date] = set()


def is_working_day(day: date) -> tuple[bool, bool]:
    """(whether `day` is a working day, whether that is an estimate)."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS, True


def add_working_days(start: date, working_days: int) -> tuple[date, bool]:
    """The `working_days`-th working day after `start` (which does not count itself)."""
    day, counted, estimated = start, 0, False
    while counted < working_days:
        day += timedelta(days=1)
        working, guessed = is_working_day(day)
        estimated = estimated or guessed
        counted += working
    if estimated:
        _warn_once(day.year)
    return day, estimated


def due_on(submitted_at: datetime, working_days: int = DEFAULT_WORKING_DAYS) -> tuple[date, bool]:
    """(due date, estimated): `working_days` working days after the Shanghai date of
    `submitted_at` (an aware UTC moment)."""
    return add_working_days(submitted_at.astimezone(clock.SHANGHAI).date(), working_days)


def _warn_once(year: int) -> None:
    today = clock.today_shanghai()
    if today in _warned_on:
        return
    _warned_on.add(today)
    log.warning("the working-day calendar has no data for %s: due dates are estimated "
                "(Monday to Friday minus fixed-date holidays); upgrade chinesecalendar", year)
