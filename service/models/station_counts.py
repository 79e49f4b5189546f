"""The stations of each org subtree, kept as counts by kind, status and timetable, so the
工作台's station block reads a few hundred rows instead of a city's million stations.

- `StationCount`: one count per (scope org, kind, status, timetable). The scope is an org
  with everything below it (a station counts in its own org and in every org above it);
  the timetable is its hours' key (`timetable_key`), the hours kept beside it, so a reader
  judges "open now" once per timetable.
- `StationCountChange`: one row per station that appeared, changed or went, written in the
  same transaction as the change (+1 for the new values, -1 for the old): ORM flushes
  (after_flush) and INSERT/UPDATE/DELETE statements run through a session (do_orm_execute).
  Readers add the changes not yet folded in; the worker folds them in once a minute
  (service/stations/counts.py), which rebuilds them whole after a bulk load.
"""

import hashlib
import json

from sqlalchemy import JSON, Index, Integer, String, event, insert, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.extensions import db
from service.models.figure_capture import PAUSED, inserted_rows
from service.models.orgs import Org
from service.models.stations import Station

STATE = "stations"  # its FigureState row: when the counts were last folded and rebuilt
COLUMNS = ("org_id", "kind", "status", "hours")


def timetable_key(hours) -> str:
    """The key of a timetable: equal hours, equal key (40 hex digits)."""
    text = json.dumps(hours, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()


class StationCount(db.Model):
    __tablename__ = "station_counts"

    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    hours_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    hours: Mapped[dict | None] = mapped_column(JSON)
    count: Mapped[int] = mapped_column(Integer)


class StationCountChange(db.Model):
    __tablename__ = "station_count_changes"
    __table_args__ = (Index("ix_station_count_changes_org_path", "org_path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_path: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    hours_key: Mapped[str] = mapped_column(String(40))
    hours: Mapped[dict | None] = mapped_column(JSON)
    delta: Mapped[int] = mapped_column(Integer)


def record(connection, rows: list[tuple[int, tuple]]) -> None:
    """Write (delta, (org_id, kind, status, hours)) rows as changes."""
    totals: dict = {}
    for delta, (org_id, kind, status, hours) in rows:
        if org_id is None:
            continue
        key = (org_id, kind, status or "open", timetable_key(hours))
        total, _ = totals.get(key, (0, None))
        totals[key] = (total + delta, hours)
    totals = {key: value for key, value in totals.items() if value[0]}
    if not totals:
        return
    paths = dict(connection.execute(select(Org.id, Org.path).where(
        Org.id.in_({key[0] for key in totals}))).all())
    connection.execute(insert(StationCountChange), [
        {"org_path": paths[org_id], "kind": kind, "status": status, "hours_key": hours_key,
         "hours": hours, "delta": delta}
        for (org_id, kind, status, hours_key), (delta, hours) in totals.items()])


def _committed(obj) -> tuple:
    state = inspect(obj)
    values = []
    for name in COLUMNS:
        history = state.attrs[name].history
        values.append(history.deleted[0] if history.deleted else
                      history.unchanged[0] if history.unchanged else getattr(obj, name))
    return tuple(values)


def _current(obj) -> tuple:
    return tuple(getattr(obj, name) for name in COLUMNS)


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context) -> None:
    if session.info.get(PAUSED):
        return
    rows = [(1, _current(obj)) for obj in session.new if isinstance(obj, Station)]
    rows += [(-1, _committed(obj)) for obj in session.deleted if isinstance(obj, Station)]
    for obj in session.dirty:
        if isinstance(obj, Station) and obj not in session.deleted:
            before, after = _committed(obj), _current(obj)
            if before != after:
                rows += [(-1, before), (1, after)]
    if rows:
        record(session.connection(), rows)


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state):
    if state.is_select or state.session.info.get(PAUSED):
        return None
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ is not Station or not (
            state.is_insert or state.is_update or state.is_delete):
        return None
    connection = state.session.connection()
    if state.is_insert:
        result = state.invoke_statement()
        rows = inserted_rows(state)
        record(connection, [(1, (row.get("org_id"), row.get("kind"), row.get("status"),
                                 row.get("hours"))) for row in rows])
        return result
    where = state.statement.whereclause
    query = select(Station.id, *[getattr(Station, name) for name in COLUMNS])
    before = {row[0]: tuple(row[1:]) for row in
              connection.execute(query if where is None else query.where(where))}
    result = state.invoke_statement()
    rows = [(-1, values) for values in before.values()]
    ids = list(before)
    if state.is_update:
        for first in range(0, len(ids), 1000):
            rows += [(1, tuple(row[1:])) for row in
                     connection.execute(query.where(Station.id.in_(ids[first:first + 1000])))]
    record(connection, rows)
    return result
