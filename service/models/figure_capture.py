"""Every change to a membership or an application, as FigureChange rows in the same
transaction: objects flushed by the ORM (after_flush) and UPDATE/INSERT/DELETE statements
run through a session (do_orm_execute), so no rule can change a member's status, org,
group or join date without the figures hearing of it.

What goes around a session (an engine's own connection) or inside `bulk_load` is not
heard: the figures are rebuilt after such a load (`flask stats rebuild`,
service/joining/figures.py).
"""

from contextlib import contextmanager

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from service.core import clock
from service.models.figures import APPLICATION, MEMBER, FigureChange, group_of
from service.models.members import JoinApplication, Member
from service.models.orgs import Org

# Per model: its subject, the column of its date, what it starts as, and the columns
# whose change moves it in the figures.
TRACKED = {
    Member: (MEMBER, "joined_at", "active"),
    JoinApplication: (APPLICATION, "created_at", "pending"),
}


PAUSED = "figures_paused"


@contextmanager
def bulk_load(session):
    """Rows written in `session` meanwhile make no changes: for a bulk load that rebuilds
    the figures after it, instead of writing and folding a change per row."""
    session.info[PAUSED] = True
    try:
        yield
    finally:
        session.info.pop(PAUSED, None)


def _columns(model) -> tuple[str, ...]:
    return ("org_id", "status", "occupation", TRACKED[model][1])


def _loaded_orgs(session, org_ids) -> dict[int, tuple]:
    """(path, district code) of the orgs among `org_ids` the session holds loaded and
    unchanged: what the database holds in this transaction, so no SELECT is needed."""
    known = {}
    for org_id in org_ids:
        org = session.identity_map.get(identity_key(Org, org_id))
        if org is None or org in session.dirty or org in session.new:
            continue
        loaded = inspect(org).dict
        if "path" in loaded and "district_code" in loaded:
            known[org_id] = (loaded["path"], loaded["district_code"])
    return known


def _record(connection, model, rows: list[tuple[int, tuple]], district=None,
            session=None) -> None:
    """Write (delta, (org_id, status, occupation, at)) rows as changes (in `district`
    when given, else their org's); the orgs `session` holds loaded are not read again."""
    rows = [(delta, values) for delta, values in rows if values[0] is not None]
    if not rows:
        return
    wanted = {values[0] for _, values in rows}
    found = _loaded_orgs(session, wanted) if session is not None else {}
    if wanted - found.keys():
        found.update((org_id, (path, here)) for org_id, path, here in connection.execute(
            select(Org.id, Org.path, Org.district_code).where(Org.id.in_(wanted - found.keys()))))
    orgs = {org_id: (path, district if district is not None else here)
            for org_id, (path, here) in found.items()}
    subject = TRACKED[model][0]
    changes = []
    for delta, (org_id, status, occupation, at) in rows:
        path, district = orgs[org_id]
        changes.append({"org_path": path, "district_code": district or "", "subject": subject,
                        "grp": group_of(occupation), "status": status,
                        "at": at or clock.now(), "delta": delta})
    connection.execute(insert(FigureChange), changes)


def _current(obj) -> tuple:
    return tuple(getattr(obj, name) for name in _columns(type(obj)))


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context) -> None:
    if session.info.get(PAUSED):
        return
    by_model: dict = {}
    for obj in session.new:
        if type(obj) in TRACKED:
            by_model.setdefault(type(obj), []).append((1, _current(obj)))
    for obj in session.deleted:
        if type(obj) in TRACKED:
            by_model.setdefault(type(obj), []).append((-1, _committed(obj)))
    for obj in session.dirty:
        if type(obj) in TRACKED and obj not in session.deleted:
            before, after = _committed(obj), _current(obj)
            if before != after:
                by_model.setdefault(type(obj), []).extend([(-1, before), (1, after)])
    for model, rows in by_model.items():
        _record(session.connection(), model, rows, session=session)
    for obj in session.dirty:
        if isinstance(obj, Org):
            history = inspect(obj).attrs.district_code.history
            if history.deleted and history.added:
                _moved_district(session.connection(), obj.id, history.deleted[0] or "")


def _moved_district(connection, org_id: int, old: str) -> None:
    """An org's district changed: its members and applications leave the old district's
    figures for the new one (its flushed district)."""
    for model in TRACKED:
        rows = [(1, tuple(row)) for row in connection.execute(
            select(*[getattr(model, name) for name in _columns(model)])
            .where(model.org_id == org_id))]
        _record(connection, model, [(-1, values) for _, values in rows], district=old)
        _record(connection, model, rows)


def _committed(obj) -> tuple:
    state = inspect(obj)
    values = []
    for name in _columns(type(obj)):
        history = state.attrs[name].history
        values.append(history.deleted[0] if history.deleted else
                      history.unchanged[0] if history.unchanged else getattr(obj, name))
    return tuple(values)


def _set_names(statement) -> set[str] | None:
    """The columns an UPDATE sets, None when it cannot be told."""
    values = getattr(statement, "_values", None) or dict(
        getattr(statement, "_ordered_values", None) or ())
    if not values:
        return None
    return {getattr(key, "key", key) for key in values}


def inserted_rows(state) -> list[dict]:
    """The rows an INSERT statement run through a session wrote, one dict each: its
    executemany parameters, or its one set, over the values the statement fixes."""
    params = state.parameters
    rows = params if isinstance(params, list) else [params or {}]
    fixed = {getattr(key, "key", key): getattr(value, "value", value)
             for key, value in (getattr(state.statement, "_values", None) or {}).items()}
    return [{**fixed, **row} for row in rows]


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state):
    if state.is_select or state.session.info.get(PAUSED):
        return None
    mapper = state.bind_mapper
    model = mapper.class_ if mapper is not None else None
    if model not in TRACKED or not (state.is_update or state.is_insert or state.is_delete):
        return None
    _, at_column, first_status = TRACKED[model]
    names = _columns(model)
    columns = [getattr(model, name) for name in names]
    connection = state.session.connection()
    if state.is_insert:
        result = state.invoke_statement()
        rows = inserted_rows(state)
        _record(connection, model, [(1, (row.get("org_id"), row.get("status", first_status),
                                         row.get("occupation"), row.get(at_column)))
                                    for row in rows])
        return result
    if state.is_update:
        names_set = _set_names(state.statement)
        if names_set is not None and not names_set & set(names):
            return None
    where = state.statement.whereclause
    query = select(model.id, *columns)
    before = {row[0]: tuple(row[1:]) for row in
              connection.execute(query if where is None else query.where(where))}
    result = state.invoke_statement()
    rows = []
    if state.is_update and before:
        ids = list(before)
        for first in range(0, len(ids), 1000):
            for row in connection.execute(query.where(model.id.in_(ids[first:first + 1000]))):
                if tuple(row[1:]) != before[row[0]]:
                    rows += [(-1, before[row[0]]), (1, tuple(row[1:]))]
    else:
        rows = [(-1, values) for values in before.values()]
    _record(connection, model, rows)
    return result
