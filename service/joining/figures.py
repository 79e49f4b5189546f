"""The kept figures (service/models/figures.py): read over a scope, folded once a minute,
rebuilt whole after a bulk load.

A reader sums the counts of the scopes it asks for and adds the changes not yet folded in,
so an answer is exactly what counting the rows would give, at any moment; the fold only
keeps the changes few (one minute's worth).
"""

from collections import Counter
from datetime import datetime

from sqlalchemy import bindparam, case, delete, func, insert, literal, select, tuple_, update

from service.core import clock
from service.extensions import db
from service.models.figures import (
    ALL,
    APPLICATION,
    MEMBER,
    STATE,
    FigureChange,
    FigureCount,
    Window,
    delete_ids,
    expand,
    fold_when_due,
    group_of,
    key_for,
    locked_state,
    month_period,
    month_starts,
    scopes_of,
    week_period,
    week_starts,
)
from service.models.members import JoinApplication, Member
from service.models.orgs import Org

FOLD_BATCH = 20_000
_CHANGE_COLUMNS = (FigureChange.org_path, FigureChange.district_code, FigureChange.subject,
                   FigureChange.grp, FigureChange.status, FigureChange.at, FigureChange.delta)


def counts(root: Org, subject: str, periods, children=()) -> Counter:
    """{(scope, period, district, group, status): count} for `root` and its `children`
    (org ids), with the changes in `root`'s subtree not yet folded in."""
    scopes, periods = {root.id, *children}, list(periods)
    totals: Counter = Counter()
    for row in db.session.execute(count_query(scopes, subject, periods)):
        totals[tuple(row[:5])] += row[5]
    changes = db.session.execute(select(*_CHANGE_COLUMNS).where(
        FigureChange.org_path >= root.path, FigureChange.org_path < root.path[:-1] + "0",
        FigureChange.subject == subject)).all()
    wanted = set(periods)
    for (scope, _, period, *rest), delta in expand(Window(clock.now()), changes,
                                                   scopes).items():
        if period in wanted:
            totals[(scope, period, *rest)] += delta
    return totals


def subtree_total(session, root_id: int, root_path: str, subject: str, *,
                  status: str | None = None, group: str | None = None) -> int:
    """How many of `subject` (members or applications) the subtree of the org `root_id`
    (at `root_path`) holds, of `status` and occupation group `group` when given: the kept
    counts plus the changes not yet folded in, read through `session` (a list's own),
    exactly what counting the rows gives."""
    return int(session.scalar(total_query(root_id, root_path, subject, status=status,
                                          group=group)))


def total_query(root_id: int, root_path: str, subject: str, *, status: str | None = None,
                group: str | None = None):
    """The SELECT of `subtree_total`: one range of the counts' primary key (period "all"
    of one scope) and one range of the changes' org path index."""
    kept = [FigureCount.scope_id == root_id, FigureCount.subject == subject,
            FigureCount.period == ALL]
    changed = [FigureChange.org_path >= root_path,
               FigureChange.org_path < root_path[:-1] + "0", FigureChange.subject == subject]
    if status is not None:
        kept.append(FigureCount.status == status)
        changed.append(FigureChange.status == status)
    if group is not None:
        kept.append(FigureCount.grp == group)
        changed.append(FigureChange.grp == group)
    counted = select(func.coalesce(func.sum(FigureCount.count), 0)).where(*kept)
    pending = select(func.coalesce(func.sum(FigureChange.delta), 0)).where(*changed)
    return select(counted.scalar_subquery() + pending.scalar_subquery())


def count_query(scopes, subject: str, periods):
    """The kept counts of `scopes` in `periods`: a range of the primary key per scope."""
    return (select(FigureCount.scope_id, FigureCount.period, FigureCount.district_code,
                   FigureCount.grp, FigureCount.status, FigureCount.count)
            .where(FigureCount.scope_id.in_(scopes), FigureCount.subject == subject,
                   FigureCount.period.in_(periods)))


def fold_if_due(now: datetime | None = None, force: bool = False) -> int | None:
    """Fold the changes into the counts when the last fold is a minute old (or `force`):
    the number folded, None when not due. Commits."""
    return fold_when_due(STATE, fold, now, force)


def fold(now: datetime) -> int:
    """Add the changes this transaction sees to the counts and remove them (a change
    committed meanwhile stays for the next fold)."""
    rows = db.session.execute(select(FigureChange.id, *_CHANGE_COLUMNS)
                              .order_by(FigureChange.id).limit(FOLD_BATCH)).all()
    if not rows:
        return 0
    _add(expand(Window(now), [row[1:] for row in rows]))
    delete_ids(FigureChange, (row[0] for row in rows))
    return len(rows)


def _add(deltas: Counter) -> None:
    deltas = {key: delta for key, delta in deltas.items() if delta}
    table = FigureCount.__table__
    key_columns = (table.c.scope_id, table.c.subject, table.c.period, table.c.district_code,
                   table.c.grp, table.c.status)
    keys = list(deltas)
    existing = set()
    for first in range(0, len(keys), 500):
        existing.update(tuple(row) for row in db.session.execute(
            select(*key_columns).where(tuple_(*key_columns).in_(keys[first:first + 500]))))
    names = ("scope_id", "subject", "period", "district_code", "grp", "status")
    updates = [{**{f"k_{n}": v for n, v in zip(names, key, strict=True)}, "d": deltas[key]}
               for key in keys if key in existing]
    if updates:
        db.session.connection().execute(
            update(table).where(*[column == bindparam(f"k_{column.name}")
                                  for column in key_columns])
            .values(count=table.c["count"] + bindparam("d")), updates)
    inserts = [{**dict(zip(names, key, strict=True)), "count": deltas[key]}
               for key in keys if key not in existing]
    for first in range(0, len(inserts), 2000):
        db.session.connection().execute(insert(table), inserts[first:first + 2000])


def _bucket(column, starts):
    # Each row falls in the latest period that began before it (-1: before the window).
    return case(*[(column >= start, index) for index, start in reversed(list(enumerate(starts)))],
                else_=-1)


def rebuild(now: datetime | None = None) -> int:
    """Count every membership and application again into the figures (after a bulk load,
    or to heal what went around a session); the changes seen are dropped. Commits; the
    number of count rows."""
    now = now or clock.now()
    row = locked_state(STATE)
    # The first plain read starts the snapshot (MariaDB's REPEATABLE READ): the changes
    # seen and the rows counted are of one moment, so none is counted twice or lost.
    seen = db.session.scalars(select(FigureChange.id)).all()
    orgs = {org_id: (path, district or "") for org_id, path, district in
            db.session.execute(select(Org.id, Org.path, Org.district_code))}
    months, weeks = month_starts(now), week_starts(now)
    totals: Counter = Counter()

    def add(subject, rows, period_of):
        for org_id, occupation, status, bucket, count in rows:
            path, district = orgs[org_id]
            key = key_for(subject, period_of(bucket), district, group_of(occupation), status)
            for scope in scopes_of(path):
                totals[(scope, subject, *key)] += count

    for model, subject, at in ((Member, MEMBER, Member.joined_at),
                               (JoinApplication, APPLICATION, JoinApplication.created_at)):
        grouped = (model.org_id, model.occupation, model.status)
        add(subject, db.session.execute(select(*grouped, literal(0), func.count())
                                        .group_by(*grouped)), lambda _: ALL)
        month = _bucket(at, months).label("bucket")
        add(subject, db.session.execute(select(*grouped, month, func.count())
                                        .where(at >= months[0]).group_by(*grouped, month)),
            lambda index: month_period(months[index]))
        if subject == MEMBER:
            week = _bucket(at, weeks).label("bucket")
            add(subject, db.session.execute(select(*grouped, week, func.count())
                                            .where(at >= weeks[0]).group_by(*grouped, week)),
                lambda index: week_period(weeks[index]))
    db.session.execute(delete(FigureCount), execution_options={"synchronize_session": False})
    delete_ids(FigureChange, seen)
    _add(totals)
    row.rebuilt_at = row.folded_at = now
    db.session.commit()
    return len(totals)

