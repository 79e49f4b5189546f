"""Due dates in mainland China's working days, checked against the State Council notices.

国办发明电〔2024〕12号 (2025): Spring Festival 1/28-2/4 off, Sunday 1/26 and Saturday 2/8
working; National Day and Mid-Autumn 10/1-10/8 off, Sunday 9/28 and Saturday 10/11 working.
国办发明电〔2025〕7号 (2026): Spring Festival 2/15-2/23 off, Saturdays 2/14 and 2/28
working; Mid-Autumn 9/25 off; National Day 10/1-10/7 off, Sunday 9/20 and Saturday 10/10
working. chinesecalendar 1.11.0 carries the same days.
"""

import logging
from datetime import UTC, date, datetime

import pytest

from service.core import workdays
from service.core.workdays import add_working_days, due_on, is_working_day


def at_shanghai_noon(day: str) -> datetime:
    """Noon in Shanghai on `day`, as the aware UTC moment a submission is stored with."""
    return datetime.fromisoformat(f"{day}T04:00:00").replace(tzinfo=UTC)


@pytest.mark.parametrize(("day", "working"), [
    ("2025-01-26", True),   # Sunday made a working day (Spring Festival)
    ("2025-01-28", False), ("2025-02-04", False),
    ("2025-02-08", True),   # Saturday made a working day
    ("2025-09-28", True),   # Sunday made a working day (National Day)
    ("2025-10-01", False), ("2025-10-08", False),
    ("2025-10-11", True),   # Saturday made a working day
    ("2026-02-14", True), ("2026-02-15", False), ("2026-02-23", False), ("2026-02-28", True),
    ("2026-09-20", True), ("2026-09-25", False), ("2026-10-01", False), ("2026-10-07", False),
    ("2026-10-08", True), ("2026-10-10", True),
    ("2026-10-11", False),  # an ordinary Sunday
])
def test_the_calendar_knows_the_notices(day, working):
    assert is_working_day(date.fromisoformat(day)) == (working, False)


@pytest.mark.parametrize(("submitted", "days", "due"), [
    # Fri 1/24: Sun 1/26, Mon 1/27, then the holiday, Wed 2/5, Thu 2/6, Fri 2/7.
    ("2025-01-24", 5, "2025-02-07"),
    # ... then Saturday 2/8 counts (6), 2/10-2/14 (11), 2/17-2/20 (15).
    ("2025-01-24", 15, "2025-02-20"),
    # Fri 9/26: Sun 9/28, 9/29, 9/30, holiday to 10/8, 10/9, 10/10, Sat 10/11 (6),
    # 10/13-10/17 (11), 10/20-10/23 (15).
    ("2025-09-26", 15, "2025-10-23"),
    ("2025-09-26", 6, "2025-10-11"),
    # Thu 2026-02-12: Fri 2/13, Sat 2/14, holiday to 2/23, 2/24-2/27 (6), Sat 2/28 (7),
    # 3/2-3/6 (12), 3/9-3/11 (15).
    ("2026-02-12", 15, "2026-03-11"),
    ("2026-02-12", 2, "2026-02-14"),
    # Fri 2026-09-18: Sun 9/20, 9/21-9/24 (5), Mid-Autumn 9/25 off, 9/28-9/30 (8),
    # holiday to 10/7, 10/8, 10/9, Sat 10/10 (11), 10/12-10/15 (15).
    ("2026-09-18", 15, "2026-10-15"),
    # Submitted on a holiday: counting starts with the first working day after it.
    ("2025-10-03", 1, "2025-10-09"),
])
def test_due_dates_across_the_holidays(submitted, days, due):
    assert due_on(at_shanghai_noon(submitted), days) == (date.fromisoformat(due), False)


def test_the_business_date_is_shanghais():
    # 23:30 and 00:30 in Shanghai on either side of midnight before Friday 2025-01-24.
    before = datetime(2025, 1, 23, 15, 30, tzinfo=UTC)
    after = datetime(2025, 1, 23, 16, 30, tzinfo=UTC)
    assert due_on(before, 5) == (date(2025, 2, 6), False)
    assert due_on(after, 5) == (date(2025, 2, 7), False)


def test_fifteen_working_days_by_default():
    assert due_on(at_shanghai_noon("2026-12-01")) == (date(2026, 12, 22), False)


def test_an_unknown_year_is_estimated_and_warned_once_a_day(caplog, monkeypatch):
    monkeypatch.setattr(workdays, "_warned_on", set())
    with caplog.at_level(logging.WARNING, logger="service.core.workdays"):
        # Mon 2026-12-28: 12/29, 12/30, 12/31, New Year's Day off, Mon 1/4, Tue 1/5.
        assert due_on(at_shanghai_noon("2026-12-28"), 5) == (date(2027, 1, 5), True)
        # Labour Day and National Day 10/1-10/3 are the fixed-date holidays guessed.
        assert add_working_days(date(2027, 9, 30), 1) == (date(2027, 10, 4), True)  # Fri 10/1
        assert add_working_days(date(2028, 4, 28), 1) == (date(2028, 5, 2), True)  # Mon 5/1
        assert add_working_days(date(2028, 9, 29), 1) == (date(2028, 10, 4), True)  # 10/2-3
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "2027" in warnings[0].getMessage()  # once on this day
    assert is_working_day(date(2027, 1, 1)) == (False, True)
    assert is_working_day(date(2027, 1, 2)) == (False, True)  # a Saturday
    assert is_working_day(date(2027, 1, 4)) == (True, True)
