"""The kept station counts (service/models/station_counts.py): read over a scope, folded
once a minute by the worker, rebuilt whole by `flask stats rebuild`.

A reader takes its scope's counts and adds the changes in its subtree not yet folded in,
so an answer is what counting the stations would give, at any moment; the fold only
keeps the changes few.
"""

from collections import Counter
from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, select, tuple_, update

from service.core import clock
from service.extensions import db
from service.models.figures import delete_ids, fold_when_due, locked_state, scopes_of
from service.models.orgs import Org
from service.models.station_counts import (
    STATE,
    StationCount,
    StationCountChange,
    timetable_key,
)
from service.models.stations import Station

FOLD_BATCH = 20_000
_KEY = ("scope_id", "kind", "status", "hours_key")


def count_query(root: Org):
    """The kept counts of `root`'s subtree: a range of the primary key."""
    return (select(StationCount.kind, StationCount.status, StationCount.hours_key,
                   StationCount.hours, StationCount.count)
            .where(StationCount.scope_id == root.id))


def change_query(root: Org):
    """The changes in `root`'s subtree not yet folded in, summed per key: a range of
    `ix_station_count_changes_org_path`."""
    change = StationCountChange
    return (select(change.kind, change.status, change.hours_key, func.sum(change.delta),
                   func.min(change.id))
            .where(change.org_path >= root.path, change.org_path < root.path[:-1] + "0")
            .group_by(change.kind, change.status, change.hours_key))


def kept(root: Org) -> tuple[Counter, dict]:
    """({(kind, status, hours_key): stations}, {hours_key: hours}) of `root`'s subtree:
    its kept counts with the changes not yet folded in."""
    totals: Counter = Counter()
    hours_of: dict = {}
    for kind, status, key, hours, count in db.session.execute(count_query(root)):
        totals[(kind, status, key)] += count
        hours_of[key] = hours
    first_of = {}
    for kind, status, key, delta, first in db.session.execute(change_query(root)):
        totals[(kind, status, key)] += int(delta)
        if key not in hours_of:
            first_of[key] = first
    if first_of:
        hours_of.update(db.session.execute(
            select(StationCountChange.hours_key, StationCountChange.hours)
            .where(StationCountChange.id.in_(first_of.values()))).all())
    return +totals, hours_of


def fold_if_due(now: datetime | None = None, force: bool = False) -> int | None:
    """Fold the changes into the counts when the last fold is a minute old (or `force`):
    the number folded, None when not due. Commits."""
    return fold_when_due(STATE, _fold, now, force)


def _fold(now: datetime) -> int:
    folded = 0
    while True:
        rows = db.session.execute(
            select(StationCountChange.id, StationCountChange.org_path, StationCountChange.kind,
                   StationCountChange.status, StationCountChange.hours_key,
                   StationCountChange.hours, StationCountChange.delta)
            .order_by(StationCountChange.id).limit(FOLD_BATCH)).all()
        if not rows:
            break
        deltas: Counter = Counter()
        hours_of = {}
        for _, path, kind, status, key, hours, delta in rows:
            hours_of[key] = hours
            for scope in scopes_of(path):
                deltas[(scope, kind, status, key)] += delta
        _add(deltas, hours_of)
        delete_ids(StationCountChange, (row[0] for row in rows))
        folded += len(rows)
        if len(rows) < FOLD_BATCH:
            break
    db.session.execute(delete(StationCount).where(StationCount.count == 0),
                       execution_options={"synchronize_session": False})
    return folded


def _add(deltas: Counter, hours_of: dict) -> None:
    table = StationCount.__table__
    columns = [table.c[name] for name in _KEY]
    keys = [key for key, delta in deltas.items() if delta]
    existing = set()
    for first in range(0, len(keys), 500):
        existing.update(tuple(row) for row in db.session.execute(
            select(*columns).where(tuple_(*columns).in_(keys[first:first + 500]))))
    updates = [{**{f"k_{name}": value for name, value in zip(_KEY, key, strict=True)},
                "d": deltas[key]} for key in keys if key in existing]
    if updates:
        db.session.connection().execute(
            update(table).where(*[column == bindparam(f"k_{column.name}") for column in columns])
            .values(count=table.c["count"] + bindparam("d")), updates)
    inserts = [{**dict(zip(_KEY, key, strict=True)), "hours": hours_of[key[3]],
                "count": deltas[key]} for key in keys if key not in existing]
    for first in range(0, len(inserts), 2000):
        db.session.connection().execute(insert(table), inserts[first:first + 2000])


def rebuild(now: datetime | None = None) -> int:
    """Count every station again into the kept counts (after a bulk load, or to heal what
    went around a session); the changes seen are dropped. Commits; the number of rows."""
    now = now or clock.now()
    row = locked_state(STATE)
    # The first plain read starts the snapshot (MariaDB's REPEATABLE READ): the changes
    # seen and the stations counted are of one moment.
    seen = db.session.scalars(select(StationCountChange.id)).all()
    paths = dict(db.session.execute(select(Org.id, Org.path)).all())
    deltas: Counter = Counter()
    hours_of = {}
    grouped = (Station.org_id, Station.kind, Station.status, Station.hours)
    for org_id, kind, status, hours, count in db.session.execute(
            select(*grouped, func.count()).group_by(*grouped)):
        key = timetable_key(hours)
        hours_of[key] = hours
        for scope in scopes_of(paths[org_id]):
            deltas[(scope, kind, status, key)] += count
    db.session.execute(delete(StationCount), execution_options={"synchronize_session": False})
    delete_ids(StationCountChange, seen)
    _add(deltas, hours_of)
    row.rebuilt_at = row.folded_at = now
    db.session.commit()
    return len(deltas)
