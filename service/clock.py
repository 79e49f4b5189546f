"""Business dates in Asia/Shanghai, with a fixed "today" that only tests may set."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now_shanghai() -> datetime:
    """The current time in Asia/Shanghai."""
    return datetime.now(SHANGHAI)


def today_shanghai() -> date:
    """Today's date in Asia/Shanghai; a testing app may pin it with FIXED_TODAY."""
    # Application windows of real policies lie in the past: tests need to stand inside one.
    if has_app_context() and current_app.config.get("TESTING"):
        fixed = current_app.config.get("FIXED_TODAY")
        if fixed:
            return fixed if isinstance(fixed, date) else date.fromisoformat(str(fixed))
    return now_shanghai().date()
