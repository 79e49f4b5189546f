"""Staff keeping the station ledger by hand: list, add, change, close (their subtree only)."""

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from service.domain.hours import is_open
from service.domain.stations import STATION_KINDS
from service.extensions import db
from service.identity import audit
from service.identity.auth import current_admin, get_scoped, scope_org_ids
from service.models.orgs import Org, subtree_ids
from service.models.stations import Station
from service.stations.counts import kept
from service.stations.values import apply_station
from service.web.errors import abort


def stations_in_scope(filters: dict):
    """A SELECT of the stations of the caller's subtree (any status), newest first."""
    orgs = subtree_ids(get_scoped(Org, filters["org_id"])) if "org_id" in filters \
        else scope_org_ids()
    query = (select(Station).options(joinedload(Station.org))
             .where(Station.org_id.in_(orgs)).order_by(Station.id.desc()))
    for name in ("kind", "status"):
        if name in filters:
            query = query.where(getattr(Station, name) == filters[name])
    if filters.get("q"):
        query = query.where(or_(Station.name.contains(filters["q"], autoescape=True),
                                Station.external_code == filters["q"]))
    return query


def add_station(data: dict) -> Station:
    """Add a station to an org of the caller's subtree (the caller's own by default)."""
    org = _org_for_write(data.get("org_id"))
    _check_code_free(data.get("external_code"))
    data = {**data, "org_id": org.id}
    data.setdefault("district_code", org.district_code)
    station = apply_station(Station(org=org), data, creating=True)
    db.session.add(station)
    _flush_unique()
    audit.record("station.create", object_type="station", object_id=station.id,
                 org_id=org.id, detail={"external_code": station.external_code})
    return station


def change_station(station_id: int, data: dict) -> Station:
    """Change the fields given; lat and lng go together (with `coord`)."""
    station = get_scoped(Station, station_id, write=True)
    if "org_id" in data:
        station.org = _org_for_write(data["org_id"])
    if "external_code" in data:
        _check_code_free(data["external_code"], station.id)
    if "lat" not in data and "lng" not in data:
        data.pop("coord", None)
    apply_station(station, data, creating=False)
    _flush_unique()
    audit.record("station.update", object_type="station", object_id=station.id,
                 org_id=station.org_id, detail={"fields": sorted(data)})
    return station


def close_station(station_id: int) -> None:
    """Close a station: it leaves the map but stays in the ledger with its feedback."""
    station = get_scoped(Station, station_id, write=True)
    station.status = "closed"
    station.refresh_search_columns()
    audit.record("station.delete", object_type="station", object_id=station.id,
                 org_id=station.org_id)


def _org_for_write(org_id: int | None) -> Org:
    return get_scoped(Org, org_id, write=True) if org_id else current_admin().org


def _check_code_free(code: str | None, station_id: int | None = None) -> None:
    if code is None:
        return
    owner = db.session.scalar(select(Station.id).where(Station.external_code == code))
    if owner is not None and owner != station_id:
        abort(409, "station_code_taken", f"编号{code}已被其他站点使用",
              {"json": {"external_code": ["编号已被使用"]}})


def _flush_unique():
    try:
        db.session.flush()
    except IntegrityError:  # another request took the code meanwhile
        abort(409, "station_code_taken", "编号已被其他站点使用",
              {"json": {"external_code": ["编号已被使用"]}})


def stations_overview(at) -> list[dict]:
    """Stations of the caller's subtree by kind: how many are listed, and how many of the
    open ones are open at the aware moment `at` by their hours.

    Read from the counts kept per subtree, kind, status and timetable
    (service/stations/counts.py), never the stations: each timetable judged once."""
    rows = {kind: {"kind": kind, "label": label, "total": 0, "open_now": 0}
            for kind, label in STATION_KINDS.items()}
    totals, hours_of = kept(current_admin().org)
    judged: dict[str, bool] = {}
    for (kind, status, key), number in sorted(totals.items()):
        row = rows.setdefault(kind, {"kind": kind, "label": kind, "total": 0, "open_now": 0})
        row["total"] += number
        hours = hours_of.get(key)
        if status == "open" and hours:
            if key not in judged:
                judged[key] = is_open(hours, at)
            row["open_now"] += number if judged[key] else 0
    return list(rows.values())
