"""Nearby and viewport search: index range scans on candidates, exact distance in Python.

The candidate query reads only `ix_stations_cell` (see service/models/stations.py): the
row spans of geo.cells_covering, the public-search flag, kind and the services bitmask
are all index columns. Nearby widens a ring from FIRST_RING_M until `limit` stations are
found inside it (then they are the nearest anywhere) or the radius is reached, growing by
the density seen so far, so a dense city with a million stations reads about as many index
entries as a sparse one. A grown ring holding more than MAX_FETCH candidates (a dense
district just past a sparse edge) is not read: the ring shrinks and tries again. The
worst case is a filter that nothing matches in a 50 km radius: the last ring then reads
every index entry of the circle (the index only, no table rows).

Of a ring's candidates the database returns only the nearest few (`limit` twice over and
NEAREST_MARGIN), sorted by geo.planar_sq_e6, with their count: a first ring in the
centre of a dense district holds a thousand stations, and bringing every one of them into
Python would cost more than the rest of the request. The answer stays exact: the planar
distance of the last row returned bounds every unread candidate's true distance from
below (geo.nearer_than_planar_m); when that bound does not settle the ring, it is read
whole.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from service import clock
from service.domain.geo import (
    cell_row,
    cells_covering,
    haversine_m,
    nearer_than_planar_m,
    out_of_china,
    planar_sq_e6,
    to_e6,
)
from service.domain.hours import hours_text, is_open
from service.extensions import db
from service.models.stations import Station, services_of

FIRST_RING_M = 250
MAX_FETCH = 2000  # index entries one ring may read
NEAREST_MARGIN = 10  # rows asked beyond 2 x limit, so open_now can pass over a few closed
VIEWPORT_CAP = 500
_HOURS_BATCH = 50
_DETAIL_COLUMNS = (Station.id, Station.kind, Station.name, Station.address, Station.lat_e6,
                   Station.lng_e6, Station.services_mask, Station.hours, Station.phone,
                   Station.is_model)


@dataclass
class NearbyResult:
    items: list[dict]
    candidates: int = 0  # index entries the searches read, for tests and benchmarks
    rows: int = 0  # candidate rows brought into Python
    queries: int = 0
    radii: list[int] = field(default_factory=list)


def public_filters(kinds=(), mask: int = 0) -> list:
    """What public search shows: open stations, public rooms, the kinds and services asked."""
    clauses = [Station.searchable.is_(True)]
    if kinds:
        clauses.append(Station.kind.in_(sorted(kinds)))
    if mask:
        clauses.append(Station.services_mask.op("&")(mask) == mask)
    return clauses


def on_cell_index(statement):
    """Pin MySQL's plan to the cell index: on a small or skewed table its statistics may
    prefer a full index scan for a long OR of ranges, which is ruinous at a million rows."""
    return statement.with_hint(Station, "FORCE INDEX (ix_stations_cell)", "mysql")


def candidate_query(spans, kinds=(), mask: int = 0):
    """The SELECT of (id, lat_e6, lng_e6, always_open) for the row spans of a circle."""
    ranges = [and_(Station.cell_row == span.row,
                   Station.lng_e6.between(span.lng_min_e6, span.lng_max_e6)) for span in spans]
    return on_cell_index(select(Station.id, Station.lat_e6, Station.lng_e6, Station.always_open)
                         .where(or_(*ranges), *public_filters(kinds, mask)))


def ring_query(spans, lat: float, lng: float, kinds=(), mask: int = 0, *,
               cap: int | None = None, nearest: int | None = None):
    """Candidates of the spans, nearest first by planar distance, each with their count.

    `cap` stops the index scan after cap + 1 entries; `nearest` returns only the first ones.
    """
    candidates = candidate_query(spans, kinds, mask)
    if cap is not None:
        candidates = candidates.limit(cap + 1)
    found = candidates.subquery("candidates")
    statement = (select(found.c.id, found.c.lat_e6, found.c.lng_e6, found.c.always_open,
                        func.count().over().label("total"))
                 .order_by(planar_sq_e6(found.c.lat_e6, found.c.lng_e6, lat, lng)))
    return statement if nearest is None else statement.limit(nearest)


def _next_ring(ring: float, found: int, limit: int) -> float:
    """Grow by the area the density seen so far says is needed (2x to 8x the radius)."""
    if found == 0:
        return ring * 8
    return ring * min(8.0, max(2.0, 1.25 * math.sqrt(limit / found)))


@dataclass
class _Ring:
    rows: list
    total: int  # index entries read
    unread_beyond_m: float  # no candidate left unread is nearer than this


def _read_ring(lat: float, lng: float, ring: float, inner: float, kinds, mask: int,
               nearest: int | None) -> _Ring | None:
    """Candidates of a ring, or None when it holds more than MAX_FETCH (then use nothing).

    A ring barely wider than the last one is read whole, so the search always ends.
    """
    capped = ring > inner * 1.05 + 10
    statement = ring_query(cells_covering(lat, lng, ring), lat, lng, kinds, mask,
                           cap=MAX_FETCH if capped else None, nearest=nearest)
    rows = db.session.execute(statement).all()
    total = rows[0].total if rows else 0
    if capped and total > MAX_FETCH:
        return None
    beyond = math.inf
    if total > len(rows):
        beyond = nearer_than_planar_m(planar_sq_e6(rows[-1].lat_e6, rows[-1].lng_e6, lat, lng))
    return _Ring(rows, total, beyond)


def nearby(lat: float, lng: float, radius_m: int, *, kinds=(), mask: int = 0,
           open_now: bool = False, limit: int = 20, at: datetime | None = None) -> NearbyResult:
    """The `limit` nearest public stations within `radius_m` of a GCJ-02 point."""
    at = at or clock.now()
    result = NearbyResult(items=[])
    chosen: list[tuple] = []
    # the planar bound holds for centres in China (the API takes no others): tested there
    nearest = None if out_of_china(lng, lat) else 2 * limit + NEAREST_MARGIN
    inner, ring, whole = 0.0, min(radius_m, FIRST_RING_M), False
    while True:
        read = _read_ring(lat, lng, ring, inner, kinds, mask, None if whole else nearest)
        result.queries += 1
        if read is None:  # a dense area just beyond the last ring: try a quarter of the growth
            result.candidates += MAX_FETCH + 1
            ring = math.sqrt(inner ** 2 + (ring ** 2 - inner ** 2) / 4)
            continue
        result.candidates += read.total
        result.rows += len(read.rows)
        inside = []
        for station_id, lat_e6, lng_e6, always_open, _ in read.rows:
            distance = haversine_m(lat, lng, lat_e6 / 1e6, lng_e6 / 1e6)
            if distance <= ring:  # beyond the ring a nearer station may still be unread
                inside.append((distance, station_id, always_open))
        inside.sort()
        chosen = _open_first(inside, limit, at) if open_now else inside[:limit]
        settled = len(chosen) >= limit and chosen[-1][0] < read.unread_beyond_m
        if not settled and read.unread_beyond_m <= ring:
            whole = True  # an unread candidate might belong to the answer: read the ring whole
            continue
        whole = False
        result.radii.append(round(ring))
        if len(chosen) >= limit or ring >= radius_m:
            break
        inner, ring = ring, min(radius_m, _next_ring(ring, len(chosen), limit))
    details = _details([station_id for _, station_id, _ in chosen])
    result.items = [describe(details[station_id], at, distance)
                    for distance, station_id, _ in chosen]
    return result


def _open_first(inside: list[tuple], limit: int, at: datetime) -> list[tuple]:
    """The first `limit` of `inside` open at `at`, reading hours only as far as needed."""
    chosen = []
    for start in range(0, len(inside), _HOURS_BATCH):
        batch = inside[start:start + _HOURS_BATCH]
        wanted = [station_id for _, station_id, always_open in batch if not always_open]
        hours = dict(db.session.execute(
            select(Station.id, Station.hours).where(Station.id.in_(wanted))).all()
        ) if wanted else {}
        for candidate in batch:
            if candidate[2] or is_open(hours[candidate[1]], at):
                chosen.append(candidate)
                if len(chosen) == limit:
                    return chosen
    return chosen


def _details(ids: list[int]) -> dict:
    if not ids:
        return {}
    rows = db.session.execute(select(*_DETAIL_COLUMNS).where(Station.id.in_(ids))).all()
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
    return db.session.scalar(on_cell_index(select(func.count()).select_from(Station)
                                           .where(box_clause(*box), *filters)))


def viewport(bbox: tuple, *, kinds=(), cap: int = VIEWPORT_CAP,
             at: datetime | None = None) -> tuple[list[dict], int]:
    """Public stations in a map viewport: (at most `cap` items nearest its centre, true count)."""
    at = at or clock.now()
    filters = public_filters(kinds)
    total = _count(bbox, filters)
    box = bbox
    if total > cap:
        box = _centre_box(bbox, filters, cap)
    rows = db.session.execute(on_cell_index(select(Station.id, Station.lat_e6, Station.lng_e6)
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

