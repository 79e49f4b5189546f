"""The staff figures, kept as counts: members and applications per org subtree, so an
overview of the city reads a few hundred rows instead of counting 1.72 million members.

- `FigureCount`: one count per (scope org, subject, period, district, group, status). The
  scope is an org with everything below it (a member counts in its own org and in every
  org above it). Periods: "all", a month "2026-11" (Asia/Shanghai) and a week "w2026-11-30"
  (its Monday); months and weeks only as far back as the figures show (WINDOW).
- `FigureChange`: one row per membership or application that appeared, changed or went,
  written in the same transaction as the change (service/models/figure_capture.py), +1 for
  the new values and -1 for the old. Readers add the changes not yet folded in; the worker
  folds them into the counts once a minute (service/joining/figures.py).
- `FigureState`: when the counts were last folded and rebuilt (one row).
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Index, Integer, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from service.core import clock
from service.domain.enums import NEW_EMPLOYMENT_GROUPS
from service.extensions import db

MEMBER, APPLICATION = "member", "application"
ALL = "all"
OTHERS = "others"
MONTHS, WEEKS = 12, 12
STATE = "figures"


class FigureCount(db.Model):
    __tablename__ = "figure_counts"

    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    subject: Mapped[str] = mapped_column(String(12), primary_key=True)
    period: Mapped[str] = mapped_column(String(11), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    grp: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class FigureChange(db.Model):
    __tablename__ = "figure_changes"
    __table_args__ = (Index("ix_figure_changes_org_path", "org_path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_path: Mapped[str] = mapped_column(String(255))
    district_code: Mapped[str] = mapped_column(String(6))
    subject: Mapped[str] = mapped_column(String(12))
    grp: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime]  # joined (a member) or applied (an application)
    delta: Mapped[int] = mapped_column(Integer)


class FigureState(db.Model):
    __tablename__ = "figure_state"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    folded_at: Mapped[datetime | None]
    rebuilt_at: Mapped[datetime | None]


FOLD_EVERY = timedelta(minutes=1)


def locked_state(name: str) -> FigureState:
    """The state row `name` (the member figures', the station counts'), locked for this
    transaction, so one worker folds or rebuilds its counts at a time."""
    row = db.session.scalar(select(FigureState).where(FigureState.name == name)
                            .with_for_update())
    if row is None:
        row = FigureState(name=name)
        db.session.add(row)
        db.session.flush()
    return row


def fold_when_due(name: str, fold: Callable[[datetime], int], now: datetime | None = None,
                  force: bool = False) -> int | None:
    """`fold(now)` the changes of the counts `name` into them when their last fold is
    FOLD_EVERY old (or `force`): the number folded, None when not due. Commits."""
    now = now or clock.now()
    row = locked_state(name)
    if not force and row.folded_at is not None and now - row.folded_at < FOLD_EVERY:
        db.session.rollback()
        return None
    folded = fold(now)
    row.folded_at = now
    db.session.commit()
    return folded


def delete_ids(model, ids) -> None:
    """Delete the rows of `model` with these ids (changes folded in), 1,000 a statement."""
    ids = list(ids)
    for first in range(0, len(ids), 1000):
        db.session.execute(delete(model).where(model.id.in_(ids[first:first + 1000])),
                           execution_options={"synchronize_session": False})


def group_of(occupation: str | None) -> str:
    """The four new-employment groups one by one, every other occupation as "others"."""
    return occupation if occupation in NEW_EMPLOYMENT_GROUPS else OTHERS


def month_starts(now: datetime, count: int = MONTHS) -> list[datetime]:
    """The first moments of the last `count` months in Asia/Shanghai, oldest first."""
    local = now.astimezone(clock.SHANGHAI)
    year, month = local.year, local.month
    starts = []
    for _ in range(count):
        starts.append(datetime(year, month, 1, tzinfo=clock.SHANGHAI))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def week_starts(now: datetime, count: int = WEEKS) -> list[datetime]:
    """The Mondays 00:00 (Asia/Shanghai) that start the last `count` weeks, oldest first."""
    local = now.astimezone(clock.SHANGHAI)
    monday = datetime(local.year, local.month, local.day, tzinfo=clock.SHANGHAI) \
        - timedelta(days=local.weekday())
    return [monday - timedelta(weeks=count - 1 - i) for i in range(count)]


def month_period(start: datetime) -> str:
    return f"{start:%Y-%m}"


def week_period(start: datetime) -> str:
    return f"w{start:%Y-%m-%d}"


class Window:
    """The months and weeks the figures show as of `now`: what a count is kept for."""

    def __init__(self, now: datetime):
        self.month_from = month_starts(now)[0]
        self.week_from = week_starts(now)[0]

    def periods(self, subject: str, at: datetime) -> list[str]:
        local = at.astimezone(clock.SHANGHAI)
        periods = [ALL]
        if at >= self.month_from:
            periods.append(f"{local:%Y-%m}")
        if subject == MEMBER and at >= self.week_from:
            monday = local.date() - timedelta(days=local.weekday())
            periods.append(f"w{monday:%Y-%m-%d}")
        return periods


def key_for(subject: str, period: str, district: str, grp: str, status: str) -> tuple:
    """The (period, district, group, status) a row counts under in `period`: every status
    and district for "all"; a month keeps the district (and a member's status); a week
    only the group."""
    if period == ALL:
        return period, district, grp, status
    if period.startswith("w"):
        return period, "", grp, ""
    return period, district, grp, status if subject == MEMBER else ""


def keys_of(window: Window, subject: str, district: str, grp: str, status: str,
            at: datetime):
    """The keys one row adds to in each of its scopes, as of `window`."""
    return [key_for(subject, period, district, grp, status)
            for period in window.periods(subject, at)]


def scopes_of(path: str) -> list[int]:
    """The org ids of a path "/1/5/12/": the org and every org above it."""
    return [int(part) for part in path.strip("/").split("/") if part]


def expand(window: Window, changes, wanted=None) -> Counter:
    """Changes (org_path, district, subject, group, status, at, delta) as count deltas keyed
    (scope, subject, period, district, group, status); only scopes in `wanted` if given."""
    totals: Counter = Counter()
    for path, district, subject, grp, status, at, delta in changes:
        scopes = [s for s in scopes_of(path) if wanted is None or s in wanted]
        for key in keys_of(window, subject, district, grp, status, at):
            for scope in scopes:
                totals[(scope, subject, *key)] += delta
    return totals
