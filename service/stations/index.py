"""The public stations, kept in each process's memory by map tile for nearby search.

Nearby search is the mini-program's busiest request, and its data changes rarely: each
process reads a part of the map from the database once and answers from memory after that,
so a search costs about what any small request costs.

Tiles. A tile is one `cell_row` band (0.01 degree of latitude) by 0.01 degree of
longitude. The tiles a search needs and lacks are read in one statement: per band one range
of `ix_stations_cell`, grouped by tile, each tile's stations aggregated by the database
into one string (see `_line`), so 20,000 stations cost the driver one row, not 20,000.
A tile too large for one aggregate (`group_concat_max_len`, see service/config.py) is
read again row by row. Inside a tile the stations sit in ten strips of 0.001 degree of
latitude, each sorted by longitude: a search bisects every strip it crosses to the circle's
longitude range and computes the exact distance only for the stations in that range.

Freshness. Every change to stations bumps the stations revision in its own transaction
(service/models/revisions.py). A process looks at the revision at most every
STATION_INDEX_CHECK_SECONDS and starts an empty index when it moved. Tiles are read in
the same snapshot as the revision and kept only by the index of that revision, so a tile
read before a change can never outlive it.
"""

import gc
import json
import math
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import NamedTuple

from flask import current_app
from sqlalchemy import String, and_, cast, func, or_, select

from service.domain.geo import (
    EARTH_RADIUS_M,
    ROW_E6,
    bounding_box,
    cell_row,
    cells_covering,
    to_e6,
)
from service.domain.hours import hours_text, is_open
from service.extensions import db
from service.models import revisions
from service.models.stations import Station, services_of

STRIP_E6 = 1_000  # a strip: 0.001 degree of latitude, about 111 m
STRIPS = ROW_E6 // STRIP_E6
_LAT0, _LNG0 = 90_000_000, 180_000_000  # offsets making band and column numbers positive
_COLUMNS = 2 * _LNG0 // ROW_E6 + 1
FIRST_RING_M = 250  # where a tile holds no station to judge the density by


def _tile_key(row: int, col: int) -> int:
    return row * _COLUMNS + col


def _col(lng_e6: int) -> int:
    return (lng_e6 + _LNG0) // ROW_E6


def tiles_covering(spans) -> list[tuple[int, int]]:
    """The (row, col) tiles holding the row spans of geo.cells_covering."""
    return [(span.row, col) for span in spans
            for col in range(_col(span.lng_min_e6), _col(span.lng_max_e6) + 1)]


@dataclass(frozen=True)
class Schedule:
    """Opening hours shared by every station with the same hours (one object each)."""

    hours: dict
    always_open: bool
    text_json: str  # hours_text as a JSON string


class Entry(NamedTuple):
    """What a search needs of a station, and the JSON of its name, address and phone."""

    id: int
    kind: str
    services_mask: int
    schedule: int  # the number of its Schedule in StationIndex.schedules
    fragment: str  # a JSON object: {"name": ..., "address": ..., "phone": ...}


class Hit(NamedTuple):
    distance_m: float
    entry: Entry
    open_now: bool
    lat_e6: int
    lng_e6: int
    schedule: Schedule


class Tile:
    """The stations of one tile: `strips[i]` = (longitudes, latitudes, entries) sorted by
    longitude, for the i-th 0.001-degree strip from the tile's southern edge."""

    __slots__ = ("strips", "count")

    def __init__(self, by_strip: list[list[tuple[int, int, Entry]]]):
        self.strips = []
        self.count = 0
        for strip in by_strip:
            strip.sort(key=itemgetter(0))
            self.strips.append((array("i", [lng for lng, _, _ in strip]),
                                array("i", [lat for _, lat, _ in strip]),
                                [entry for _, _, entry in strip]))
            self.count += len(strip)


def _line():
    """One station as text, the same on SQLite and MySQL: id, position, services mask,
    kind and hours separated by tabs (none of them holds one), then the JSON object of its
    name, address and phone built by the database (which escapes them)."""
    parts = [cast(column, String) for column in (Station.id, Station.lat_e6, Station.lng_e6,
                                                  Station.services_mask)]
    parts += [Station.kind, cast(Station.hours, String),
              func.json_object("name", Station.name, "address", Station.address,
                               "phone", Station.phone, type_=String)]
    line = parts[0]
    for part in parts[1:]:
        line = line + "\t" + part
    return line


def _range(row: int, first_col: int, last_col: int):
    return and_(Station.cell_row == row,
                Station.lng_e6.between(first_col * ROW_E6 - _LNG0,
                                       (last_col + 1) * ROW_E6 - _LNG0 - 1))


def _runs(keys: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(row, first col, last col) runs of adjacent tiles, from sorted (row, col) pairs."""
    runs: list[list[int]] = []
    for row, col in keys:
        if runs and runs[-1][0] == row and runs[-1][2] == col - 1:
            runs[-1][2] = col
        else:
            runs.append([row, col, col])
    return [tuple(run) for run in runs]


def on_cell_index(statement):
    """Pin MySQL's plan to the cell index: on a small or skewed table its statistics may
    prefer a full index scan for a long OR of ranges, which is ruinous at a million rows."""
    return statement.with_hint(Station, "FORCE INDEX (ix_stations_cell)", "mysql")


def tiles_query(keys: list[tuple[int, int]]):
    """The statement reading the tiles `keys` (sorted): (row, col, count, lines)."""
    col = ((Station.lng_e6 + _LNG0) // ROW_E6).label("col")
    ranges = [_range(*run) for run in _runs(keys)]
    return on_cell_index(
        select(Station.cell_row, col, func.count(), func.aggregate_strings(_line(), "\n"))
        .where(or_(*ranges), Station.searchable.is_(True))
        .group_by(Station.cell_row, col))


class StaleIndex(Exception):
    """The database is at another revision than the index being filled."""

    def __init__(self, revision: int):
        super().__init__(revision)
        self.revision = revision


class StationIndex:
    """The tiles read so far at one stations revision."""

    def __init__(self, revision: int):
        self.revision = revision
        self.tiles: dict[int, Tile | None] = {}  # None: read, and empty
        self.schedules: list[Schedule] = []
        self._schedule_numbers: dict[str, int] = {}  # by the hours' JSON text
        self.loads = 0  # statements that read tiles, for tests and benchmarks
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return sum(tile.count for tile in self.tiles.values() if tile)

    # -- reading tiles -------------------------------------------------------------------

    def tiles_for(self, wanted: list[tuple[int, int]]) -> dict[int, Tile | None]:
        """The tiles of `wanted` (row, col) pairs, reading the missing ones first."""
        missing = sorted({pair for pair in wanted if _tile_key(*pair) not in self.tiles})
        if missing:
            with self._lock:
                missing = [pair for pair in missing if _tile_key(*pair) not in self.tiles]
                if missing:
                    self._read(missing)
        return self.tiles

    def _read(self, missing: list[tuple[int, int]]) -> None:
        seen = revisions.current(revisions.STATIONS)  # the snapshot the tiles will be read in
        if seen != self.revision:
            raise StaleIndex(seen)
        read = {}
        for row, col, count, text in db.session.execute(tiles_query(missing)):
            lines = text.split("\n") if text else []
            if len(lines) != count:  # longer than the aggregate may be: read it row by row
                lines = db.session.scalars(
                    on_cell_index(select(_line()).where(_range(row, col, col),
                                                        Station.searchable.is_(True)))).all()
            read[_tile_key(row, col)] = self._tile(lines)
        self.loads += 1
        for pair in missing:
            key = _tile_key(*pair)
            self.tiles[key] = read.get(key)
        # A million entries would make every full collection of the cyclic garbage
        # collector walk them all (seconds, in the middle of requests). They hold no cycles:
        # leave them, and what else lives now, out of its collections; reference counting
        # still frees them when the index is dropped.
        gc.freeze()

    def _tile(self, lines: list[str]) -> Tile:
        by_strip: list[list] = [[] for _ in range(STRIPS)]
        numbers, new_entry = self._schedule_numbers, Entry._make  # a tile's hot loop
        for line in lines:
            station_id, lat_e6, lng_e6, mask, kind, hours, fragment = line.split("\t", 6)
            schedule = numbers.get(hours)
            if schedule is None:
                schedule = self._schedule(hours)
            lat_e6 = int(lat_e6)
            by_strip[(lat_e6 + _LAT0) // STRIP_E6 % STRIPS].append((int(lng_e6), lat_e6, new_entry(
                (int(station_id), kind, int(mask), schedule, fragment))))
        return Tile(by_strip)

    def _schedule(self, hours: str) -> int:
        parsed = json.loads(hours)
        self.schedules.append(Schedule(parsed, bool(parsed.get("always_open")),
                                       json.dumps(hours_text(parsed), ensure_ascii=False)))
        number = self._schedule_numbers[hours] = len(self.schedules) - 1
        return number

    # -- searching -----------------------------------------------------------------------

    def nearest(self, lat: float, lng: float, radius_m: float, *, kinds=(), mask: int = 0,
                open_now: bool = False, limit: int = 20,
                at: datetime) -> list[Hit]:
        """The `limit` nearest matching stations within `radius_m`, nearest first.

        Rings grow from a first one sized by the density of the centre's tile until they
        hold `limit` matching stations (then those are the nearest anywhere) or reach the
        radius.
        """
        opens: dict[int, bool] = {}
        ring = self._first_ring(lat, lng, radius_m, limit)
        while True:
            found = self._within(lat, lng, ring, kinds, mask, open_now, at, opens)
            if len(found) >= limit or ring >= radius_m:
                found.sort()  # by distance, then id: a Hit's first fields
                return found[:limit]
            ring = min(radius_m, _next_ring(ring, len(found), limit))

    def _first_ring(self, lat: float, lng: float, radius_m: float, limit: int) -> float:
        row, col = cell_row(lat), _col(to_e6(lng))
        tile = self.tiles_for([(row, col)]).get(_tile_key(row, col))
        if not tile:
            return min(radius_m, FIRST_RING_M)
        area_m2 = (math.radians(ROW_E6 / 1e6) * EARTH_RADIUS_M) ** 2 * math.cos(math.radians(lat))
        ring = math.sqrt(2 * limit * area_m2 / (math.pi * tile.count))
        return min(radius_m, max(10.0, ring))

    def _within(self, lat, lng, ring, kinds, mask, open_now, at, opens) -> list:
        """Matching stations within `ring` metres, unsorted."""
        spans = cells_covering(lat, lng, ring)
        tiles = self.tiles_for(tiles_covering(spans))
        min_lat, _, max_lat, _ = bounding_box(lat, lng, ring)
        lat_min, lat_max = to_e6(min_lat) - 2, to_e6(max_lat) + 2  # stored values are rounded
        strip_min, strip_max = (lat_min + _LAT0) // STRIP_E6, (lat_max + _LAT0) // STRIP_E6
        found = []
        # geo.haversine_m, inlined: this loop is most of a warm search's time
        sin, cos, asin, sqrt, radians = math.sin, math.cos, math.asin, math.sqrt, math.radians
        p1 = radians(lat)
        cos_p1, diameter = cos(p1), 2 * EARTH_RADIUS_M
        schedules = self.schedules
        for span in spans:
            first = max(strip_min - span.row * STRIPS, 0)
            last = min(strip_max - span.row * STRIPS, STRIPS - 1)
            for col in range(_col(span.lng_min_e6), _col(span.lng_max_e6) + 1):
                tile = tiles.get(_tile_key(span.row, col))
                if tile is None:
                    continue
                for lngs, lats, entries in tile.strips[first:last + 1]:
                    for i in range(bisect_left(lngs, span.lng_min_e6),
                                   bisect_right(lngs, span.lng_max_e6)):
                        lat_e6 = lats[i]
                        if not lat_min <= lat_e6 <= lat_max:
                            continue
                        entry = entries[i]
                        if (kinds and entry.kind not in kinds) or (
                                entry.services_mask & mask != mask):
                            continue
                        lng_e6 = lngs[i]
                        p2 = radians(lat_e6 / 1e6)
                        h = (sin((p2 - p1) / 2) ** 2
                             + cos_p1 * cos(p2) * sin(radians(lng_e6 / 1e6 - lng) / 2) ** 2)
                        distance = diameter * asin(sqrt(h))
                        if distance > ring:
                            continue
                        schedule = schedules[entry.schedule]
                        open_ = opens.get(entry.schedule)
                        if open_ is None:
                            open_ = opens[entry.schedule] = (schedule.always_open
                                                             or is_open(schedule.hours, at))
                        if open_ or not open_now:
                            found.append(Hit(distance, entry, open_, lat_e6, lng_e6, schedule))
        return found


def _next_ring(ring: float, found: int, limit: int) -> float:
    """Grow by the area the density seen so far says is needed (2x to 8x the radius)."""
    if found == 0:
        return ring * 8
    return ring * min(8.0, max(2.0, 1.25 * math.sqrt(limit / found)))


class StationIndexes:
    """A process's index: the newest revision seen, checked at most every `check_seconds`."""

    def __init__(self, check_seconds: float):
        self.check_seconds = check_seconds
        self.current = StationIndex(-1)
        self._checked_at = -math.inf
        self._lock = threading.Lock()

    def for_request(self) -> StationIndex:
        if time.monotonic() - self._checked_at >= self.check_seconds:
            index = self.at(revisions.current(revisions.STATIONS))
            self._checked_at = time.monotonic()
            return index
        return self.current

    def at(self, revision: int) -> StationIndex:
        """The index of `revision`: the current one, a newer one replacing it, or for a
        transaction whose snapshot is older than the current index, one of its own."""
        with self._lock:
            if revision > self.current.revision:
                self.current = StationIndex(revision)
            if revision == self.current.revision:
                return self.current
        return StationIndex(revision)


def indexes() -> StationIndexes:
    """This process's station index of the current app."""
    found = current_app.extensions.get("station_index")
    if found is None:
        found = current_app.extensions.setdefault(
            "station_index", StationIndexes(current_app.config["STATION_INDEX_CHECK_SECONDS"]))
    return found


def nearest(lat: float, lng: float, radius_m: float, **options) -> list:
    """`StationIndex.nearest` on this process's index, refilled when stations changed."""
    index = indexes().for_request()
    while True:
        try:
            return index.nearest(lat, lng, radius_m, **options)
        except StaleIndex as stale:
            index = indexes().at(stale.revision)


_SERVICES_JSON: dict[int, str] = {}


def services_json(mask: int) -> str:
    found = _SERVICES_JSON.get(mask)
    if found is None:
        found = _SERVICES_JSON[mask] = json.dumps(services_of(mask))
    return found


def item_json(hit: Hit) -> str:
    """A nearby item (API.md) as JSON, from the hit's parts."""
    entry = hit.entry
    return (f'{{"id":{entry.id},"kind":"{entry.kind}","lat":{hit.lat_e6 / 1e6!r},'
            f'"lng":{hit.lng_e6 / 1e6!r},"distance_m":{round(hit.distance_m)},'
            f'"services":{services_json(entry.services_mask)},'
            f'"open_now":{"true" if hit.open_now else "false"},'
            f'"hours_text":{hit.schedule.text_json},{entry.fragment.lstrip()[1:]}')
