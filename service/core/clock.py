"""The one clock: now in UTC, business dates in Asia/Shanghai; only tests may pin it."""

from datetime import UTC, date, datetime

from flask import current_app, has_app_context

# The zone of business dates; defined beside the opening-hours rules, which are pure.
from service.domain.hours import SHANGHAI

__all__ = ["SHANGHAI", "now", "now_shanghai", "today_shanghai"]


def _pinned(name: str):
    if has_app_context() and current_app.config.get("TESTING"):
        return current_app.config.get(name)
    return None


def now() -> datetime:
    """The current moment, aware UTC; a testing app may pin it with FIXED_NOW."""
    fixed = _pinned("FIXED_NOW")
    return fixed.astimezone(UTC) if fixed else datetime.now(UTC)


def now_shanghai() -> datetime:
    """The current time in Asia/Shanghai."""
    return now().astimezone(SHANGHAI)


def today_shanghai() -> date:
    """Today's date in Asia/Shanghai; a testing app may pin it with FIXED_TODAY."""
    # Application windows of real policies lie in the past: tests need to stand inside one.
    fixed = _pinned("FIXED_TODAY")
    if fixed:
        return fixed if isinstance(fixed, date) else date.fromisoformat(str(fixed))
    return now_shanghai().date()
