"""Nearby search from the in-memory station index, and viewport search on the cell index.

Nearby reads service/stations/index.py: the nearest stations by exact distance, from the
tiles this process holds, and writes its answer as JSON straight from the index's parts
(service/stations/item_json.py).
The viewport reads the database: one range of `ix_stations_cell` for the box (geo.py).
"""

import json
from datetime import datetime

from sqlalchemy import and_, func, select

from service.core import clock
from service.core.database import replica_session
from service.domain.geo import cell_row, haversine_m, to_e6
from service.domain.hours import hours_text, is_open
from service.extensions import db
from service.models.stations import MOTHER_BABY_ROOM, Station, services_of
from service.stations.item_json import nearby_json
from service.stations.tile_cache import StaleIndex
from service.stations.tile_sql import on_cell_index
from service.stations.warmup import indexes
from service.web.errors import abort

VIEWPORT_CAP = 500
_DETAIL_COLUMNS = (Station.id, Station.kind, Station.name, Station.address, Station.lat_e6,
                   Station.lng_e6, Station.services_mask, Station.hours, Station.phone,
                   Station.is_model)


def public_station(station_id: int, options=(), session=None) -> Station:
    """A station the public may see, or 404: closed ones and private rooms are not found.
    `session`: the replica's for a page that may lag a second; the primary's by default."""
    station = (session or db.session).get(Station, station_id, options=list(options))
    if station is None or station.status == "closed" or (
            station.kind == MOTHER_BABY_ROOM and not station.is_public):
        abort(404, "station_not_found", "站点不存在或已关闭")
    return station


def public_filters(kinds=()) -> list:
    """What public search shows: open stations, public rooms, the kinds asked."""
    clauses = [Station.searchable.is_(True)]
    if kinds:
        clauses.append(Station.kind.in_(sorted(kinds)))
    return clauses


def nearby(lat: float, lng: float, radius_m: int, *, kinds=(), mask: int = 0,
           open_now: bool = False, limit: int = 20, at: datetime | None = None) -> list:
    """The `limit` nearest public stations within `radius_m` of a GCJ-02 point, as
    tiles.Hit values; `nearby_json` and `nearby_items` present them."""
    options = {"kinds": frozenset(kinds), "mask": mask, "open_now": open_now, "limit": limit,
               "at": at or clock.now()}
    index = indexes().for_request()
    while True:  # refilled when the stations changed meanwhile
        try:
            return index.nearest(lat, lng, radius_m, **options)
        except StaleIndex as stale:
            index = indexes().at(stale.revision)


def nearby_items(hits: list) -> list[dict]:
    """The answer's items as dicts (for callers in Python: benchmarks, tests)."""
    return json.loads(nearby_json(hits))["items"]


def _details(ids: list[int]) -> dict:
    if not ids:
        return {}
    rows = replica_session().execute(
        select(*_DETAIL_COLUMNS).where(Station.id.in_(ids))).all()
    return {row.id: row for row in rows}


def describe(row, at: datetime, distance_m: float | None = None) -> dict:
    """A search item (API.md) from a row of the detail columns."""
    item = {"id": row.id, "kind": row.kind, "name": row.name, "address": row.address,
            "lat": row.lat_e6 / 1e6, "lng": row.lng_e6 / 1e6,
            "services": services_of(row.services_mask), "open_now": is_open(row.hours, at),
            "hours_text": hours_text(row.hours), "phone": row.phone, "is_model": row.is_model}
    if distance_m is not None:
        item["distance_m"] = round(distance_m)
    return item


def box_clause(min_lng: float, min_lat: float, max_lng: float, max_lat: float):
    """The viewport predicate of service/domain/geo.py (one range on the cell index)."""
    return and_(Station.cell_row.between(cell_row(min_lat), cell_row(max_lat)),
                Station.lng_e6.between(to_e6(min_lng), to_e6(max_lng)),
                Station.lat_e6.between(to_e6(min_lat), to_e6(max_lat)))


def _count(box, filters) -> int:
    return replica_session().scalar(on_cell_index(
        select(func.count()).select_from(Station).where(box_clause(*box), *filters)))


def viewport(bbox: tuple, *, kinds=(), cap: int = VIEWPORT_CAP,
             at: datetime | None = None) -> tuple[list[dict], int]:
    """Public stations in a map viewport: (at most `cap` items nearest its centre, true count)."""
    at = at or clock.now()
    filters = public_filters(kinds)
    total = _count(bbox, filters)
    box = bbox
    if total > cap:
        box = _centre_box(bbox, filters, cap)
    rows = replica_session().execute(on_cell_index(
        select(Station.id, Station.lat_e6, Station.lng_e6)
        .where(box_clause(*box), *filters))).all()
    min_lng, min_lat, max_lng, max_lat = bbox
    centre = ((min_lat + max_lat) / 2, (min_lng + max_lng) / 2)
    nearest = sorted((haversine_m(*centre, lat_e6 / 1e6, lng_e6 / 1e6), station_id)
                     for station_id, lat_e6, lng_e6 in rows)[:cap]
    details = _details([station_id for _, station_id in nearest])
    return [describe(details[station_id], at) for _, station_id in nearest], total


def _centre_box(bbox: tuple, filters, cap: int) -> tuple:
    """The smallest centred sub-box (halving steps) holding at least `cap` stations."""
    min_lng, min_lat, max_lng, max_lat = bbox
    mid_lng, mid_lat = (min_lng + max_lng) / 2, (min_lat + max_lat) / 2
    for step in range(6, 0, -1):
        shrink = 2 ** (step + 1)
        half_lng, half_lat = (max_lng - min_lng) / shrink, (max_lat - min_lat) / shrink
        box = (mid_lng - half_lng, mid_lat - half_lat, mid_lng + half_lng, mid_lat + half_lat)
        if _count(box, filters) >= cap:
            return box
    return bbox

