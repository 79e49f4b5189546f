"""The public stations, kept in each process's memory by map tile for nearby search.

Nearby search is the mini-program's busiest request, and its data changes rarely: each
process reads a part of the map from the database once and answers from memory after that,
so a search costs about what any small request costs.

Tiles. A tile is one `cell_row` band (0.01 degree of latitude) by 0.01 degree of
longitude. The tiles a search needs and lacks are read in one statement: per band one range
of `ix_stations_cell`, grouped by tile, each tile's stations aggregated by the database
into one string (see `_line`), so 20,000 stations cost the driver one row, not 20,000.
A tile too large for one aggregate (`group_concat_max_len`, see service/config.py) is
read again row by row. Inside a tile the stations sit in strips of latitude, each sorted by
longitude, the denser the tile the thinner the strips (see `Tile`): a search bisects every
strip it crosses to the circle's longitude range and measures only the stations in that
range, by the chord between unit vectors (geo.unit_vector), which orders them exactly as
the great-circle distance does; only the answers' distances are turned into metres.

Warmth. A server process (gunicorn's `post_worker_init`, STATION_INDEX_WARM) reads every
tile in the background at its start, a band of rows per statement, and the tiles each
change touched (`StationIndexes.keep_warm`), so searches rarely wait for the database.
Elsewhere, and while that thread reads, searches read the tiles they lack themselves.

Freshness. Every change to stations bumps the stations revision in its own transaction
(service/models/revisions.py), logging the tiles it touched. A process looks at the
revision at most every STATION_INDEX_CHECK_SECONDS; when it moved, the next index keeps
the tiles no revision since touched and reads the others again (`StationIndex.successor`),
or starts empty when a revision logged no tiles. Tiles are read in the same snapshot as the
revision and kept only by the index of that revision, so a tile read before a change can
never outlive it.
"""

import gc
import json
import logging
import math
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from operator import itemgetter
from typing import NamedTuple

from flask import current_app
from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from service.core.database import close_replica_session, replica_session
from service.domain.geo import (
    EARTH_RADIUS_M,
    ROW_E6,
    SearchBox,
    cell_row,
    chord2_of_m,
    m_of_chord2,
    search_box,
    to_e6,
    unit_vector,
)
from service.domain.hours import hours_text, is_open
from service.extensions import db
from service.models import revisions
from service.models.stations import (
    TILE_COLUMNS,
    TILE_LNG0_E6,
    Station,
    services_of,
    tile_col,
    tile_key,
)

log = logging.getLogger(__name__)

MAX_STRIPS = 100  # strips of at least 0.0001 degree of latitude, about 11 m
_LAT0 = 90_000_000  # the offset making band numbers positive (geo.cell_row)
FIRST_RING_M = 250  # where a tile holds no station to judge the density by




def tiles_in(box: SearchBox) -> list[tuple[int, int]]:
    """The (row, col) tiles holding a geo.search_box."""
    return [(row, col) for row in box.rows
            for col in range(tile_col(box.lng_min_e6), tile_col(box.lng_max_e6) + 1)]


@dataclass(frozen=True)
class Schedule:
    """Opening hours shared by every station with the same hours (one object each)."""

    hours: dict
    always_open: bool
    text_json: bytes  # hours_text as a JSON string, UTF-8


class Entry(NamedTuple):
    """What a search needs of a station, and the part of its answer no search changes."""

    id: int
    kind: str
    services_mask: int
    schedule: int  # the number of its Schedule in StationIndex.schedules
    # Its nearby item (API.md) as UTF-8 JSON after the opening brace, less distance_m,
    # open_now and hours_text: `"id":..,"kind":..,"lat":..,"lng":..,"services":[..],
    # "name":..,"address":..,"phone":..}` (UTF-8 bytes: about half the size of a str
    # holding Chinese).
    json: bytes


class Hit(NamedTuple):
    distance_m: float
    entry: Entry
    open_now: bool
    schedule: Schedule


class Tile:
    """The stations of one tile in strips of latitude, each sorted by longitude:
    `strips[i]` = (longitudes, x, y, z, entries) of the i-th strip from the southern edge,
    x, y, z being the station's geo.unit_vector (its latitude is in z, and in its entry's
    JSON).

    Strips are as high as about half the first ring a search in this tile draws (see
    `StationIndex._first_ring`), so a search looks at few stations outside its circle,
    however dense the tile.
    """

    __slots__ = ("strips", "count", "south_e6", "strip_e6")

    def __init__(self, row: int, stations: list[tuple[int, int, Entry]]):
        self.count = len(stations)
        self.south_e6 = row * ROW_E6 - _LAT0
        self.strip_e6 = -(-ROW_E6 // min(MAX_STRIPS, max(1, round(0.6 * math.sqrt(self.count)))))
        by_strip: list[list[tuple[int, int, Entry]]] = [
            [] for _ in range(-(-ROW_E6 // self.strip_e6))]
        for station in stations:
            by_strip[(station[1] - self.south_e6) // self.strip_e6].append(station)
        self.strips = []
        for strip in by_strip:
            strip.sort(key=itemgetter(0))
            vectors = [unit_vector(lat / 1e6, lng / 1e6) for lng, lat, _ in strip]
            self.strips.append((array("i", [lng for lng, _, _ in strip]),
                                *(array("d", [v[axis] for v in vectors]) for axis in range(3)),
                                [entry for _, _, entry in strip]))


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
                Station.lng_e6.between(first_col * ROW_E6 - TILE_LNG0_E6,
                                       (last_col + 1) * ROW_E6 - TILE_LNG0_E6 - 1))


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
    return _tiles_where(or_(*(_range(*run) for run in _runs(keys))))


def band_query(first_row: int, last_row: int):
    """The statement reading every tile of the rows `first_row` to `last_row`."""
    return _tiles_where(Station.cell_row.between(first_row, last_row))


def _tiles_where(where):
    col = ((Station.lng_e6 + TILE_LNG0_E6) // ROW_E6).label("col")
    return on_cell_index(
        select(Station.cell_row, col, func.count(), func.aggregate_strings(_line(), "\n"))
        .where(where, Station.searchable.is_(True))
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
        self._rows_read: set[int] = set()  # rows read whole: a tile missing there is empty
        self.complete = False  # every tile read (read_all)
        self.unread: set[int] = set()  # tiles changed since the index this one came from
        self._open_minute: tuple[int, dict[int, bool]] = (-1, {})  # see _opens_at
        self.schedules: list[Schedule] = []
        self._schedule_numbers: dict[str, int] = {}  # by the hours' JSON text
        self._kinds: dict[str, str] = {}  # one string per kind, not one per station
        self.loads = 0  # statements that read tiles, for tests and benchmarks
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return sum(tile.count for tile in self.tiles.values() if tile)

    def successor(self, revision: int, changed: set[int]) -> "StationIndex":
        """The index of a later `revision` that changed the tiles `changed` only: this one's
        tiles but those, which it reads again (they are `unread` until then)."""
        after = StationIndex(revision)
        with self._lock:
            after.tiles = {key: tile for key, tile in self.tiles.items() if key not in changed}
            after._rows_read = set(self._rows_read)
            after.complete = self.complete
            after.unread = self.unread | changed
            after.schedules = list(self.schedules)  # the tiles kept number theirs in it
            after._schedule_numbers = dict(self._schedule_numbers)
            after._kinds = dict(self._kinds)
        return after

    def read_unread(self, keep_going=lambda: True, tiles: int = 16) -> None:
        """Read the tiles changed since the index this one came from, `tiles` per statement
        and transaction (searches wait for the lock one statement at most), while
        `keep_going()`; raises StaleIndex when the stations changed meanwhile."""
        while self.unread and keep_going():
            self.tiles_for(sorted(divmod(key, TILE_COLUMNS) for key in self.unread)[:tiles])
            replica_session().rollback()

    # -- reading tiles -------------------------------------------------------------------

    def tiles_for(self, wanted: list[tuple[int, int]]) -> dict[int, Tile | None]:
        """The tiles of `wanted` (row, col) pairs, reading the missing ones first."""
        missing = sorted({pair for pair in wanted if self._lacks(pair)})
        if missing:
            with self._lock:
                missing = [pair for pair in missing if self._lacks(pair)]
                if missing:
                    self._read(tiles_query(missing), missing)
        return self.tiles

    def _lacks(self, pair: tuple[int, int]) -> bool:
        """Whether a tile may hold stations not read yet (once complete, only unread ones)."""
        key = tile_key(*pair)
        return key in self.unread or not (self.complete or key in self.tiles
                                          or pair[0] in self._rows_read)

    def read_all(self, keep_going=lambda: True, band_rows: int = 4) -> None:
        """Read every tile, a band of rows per statement and transaction, while
        `keep_going()`; raises StaleIndex when the stations changed meanwhile."""
        bounds = replica_session().execute(select(func.min(Station.cell_row),
                                           func.max(Station.cell_row))).one()
        replica_session().rollback()
        if bounds[0] is None:
            self.complete = True
            return
        for first in range(bounds[0], bounds[1] + 1, band_rows):
            if not keep_going():
                return
            rows = range(first, min(first + band_rows, bounds[1] + 1))
            with self._lock:
                if not self._rows_read.issuperset(rows):
                    self._read(band_query(rows[0], rows[-1]), [], rows)
                    self._rows_read.update(rows)
            replica_session().rollback()  # a snapshot per band: the next one sees changes
        self.complete = True

    def _read(self, statement, missing: list[tuple[int, int]], rows=range(0)) -> None:
        """Read the tiles `statement` selects; `missing` (row, col) pairs it finds no
        station in are remembered as empty, as are the tiles of whole `rows` it reads."""
        # The snapshot the tiles will be read in (the replica's, when there is one).
        seen = revisions.current(revisions.STATIONS, replica_session())
        if seen != self.revision:
            raise StaleIndex(seen)
        read = {}
        for row, col, count, text in replica_session().execute(statement):
            lines = text.split("\n") if text else []
            if len(lines) != count:  # longer than the aggregate may be: read it row by row
                lines = replica_session().scalars(
                    on_cell_index(select(_line()).where(_range(row, col, col),
                                                        Station.searchable.is_(True)))).all()
            read[tile_key(row, col)] = self._tile(row, lines)
        self.loads += 1
        for pair in missing:
            read.setdefault(tile_key(*pair), None)
        self.tiles.update(read)
        if self.unread:
            self.unread = {key for key in self.unread - read.keys()
                           if key // TILE_COLUMNS not in rows}
        # A million entries would make every full collection of the cyclic garbage
        # collector walk them all (seconds, in the middle of requests). They hold no cycles:
        # leave them, and what else lives now, out of its collections; reference counting
        # still frees them when the index is dropped.
        gc.freeze()

    def _tile(self, row: int, lines: list[str]) -> Tile:
        stations = []
        numbers, kinds, new_entry = self._schedule_numbers, self._kinds, Entry._make  # hot
        for line in lines:
            station_id, lat_e6, lng_e6, mask, kind, hours, members = line.split("\t", 6)
            schedule = numbers.get(hours)
            if schedule is None:
                schedule = self._schedule(hours)
            lat_e6, lng_e6, mask = int(lat_e6), int(lng_e6), int(mask)
            stations.append((lng_e6, lat_e6, new_entry((
                int(station_id), kinds.setdefault(kind, kind), mask, schedule,
                f'"id":{station_id},"kind":"{kind}","lat":{lat_e6 / 1e6!r},'
                f'"lng":{lng_e6 / 1e6!r},"services":{services_json(mask)},'
                f'{members.lstrip()[1:]}'.encode()))))
        return Tile(row, stations)

    def _schedule(self, hours: str) -> int:
        parsed = json.loads(hours)
        self.schedules.append(Schedule(parsed, bool(parsed.get("always_open")),
                                       json.dumps(hours_text(parsed),
                                                  ensure_ascii=False).encode()))
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
        opens = self._opens_at(at)
        ring = self._first_ring(lat, lng, radius_m, limit)
        while True:
            found = self._within(lat, lng, ring, kinds, mask, opens if open_now else None)
            if len(found) >= limit or ring >= radius_m:
                break
            ring = min(radius_m, _next_ring(ring, len(found), limit))
        found.sort()  # by distance (its chord), then id: (chord2, entry) pairs
        schedules, new_hit = self.schedules, tuple.__new__  # Hit's own __new__, less a call
        return [new_hit(Hit, (m_of_chord2(chord2), entry, opens(entry.schedule),
                              schedules[entry.schedule]))
                for chord2, entry in found[:limit]]

    def _opens_at(self, at: datetime):
        """`opens(schedule number)`: whether that schedule is open at `at`. Hours are kept
        to the minute, so the answers are kept for the minute."""
        minute = int(at.timestamp()) // 60
        kept = self._open_minute
        if kept[0] != minute:
            kept = self._open_minute = (minute, {})
        answers, schedules = kept[1], self.schedules

        def opens(number: int) -> bool:
            found = answers.get(number)
            if found is None:
                schedule = schedules[number]
                found = answers[number] = schedule.always_open or is_open(schedule.hours, at)
            return found

        return opens

    def _first_ring(self, lat: float, lng: float, radius_m: float, limit: int) -> float:
        """A ring expected to hold about 1.5 `limit` stations, judged by the density around
        the centre (its strip, five strip heights either side) or, where that holds too few
        stations to judge by, by the density of its tile."""
        row, lat_e6, lng_e6 = cell_row(lat), to_e6(lat), to_e6(lng)
        tile = self.tiles_for([(row, tile_col(lng_e6))]).get(tile_key(row, tile_col(lng_e6)))
        if not tile:
            return min(radius_m, FIRST_RING_M)
        height = tile.strip_e6
        lngs = tile.strips[(lat_e6 - tile.south_e6) // height][0]
        near = bisect_right(lngs, lng_e6 + 5 * height) - bisect_left(lngs, lng_e6 - 5 * height)
        if near >= 8:
            count, area_e12, stations_per_limit = near, height * 10 * height, 1.5
        else:
            count, area_e12, stations_per_limit = tile.count, ROW_E6 * ROW_E6, 2.0
        metres_per_e6 = math.radians(1e-6) * EARTH_RADIUS_M
        area_m2 = area_e12 * metres_per_e6 ** 2 * math.cos(math.radians(lat))
        ring = math.sqrt(stations_per_limit * limit * area_m2 / (math.pi * count))
        return min(radius_m, max(10.0, ring))

    def _within(self, lat, lng, ring, kinds, mask, opens) -> list[tuple]:
        """(chord2, entry) of the matching stations within `ring` metres,
        unsorted (chord2: see geo.unit_vector); only open ones when `opens` is given."""
        box = search_box(lat, lng, ring)
        lat_min, lat_max, lng_min, lng_max = box
        keys = tiles_in(box)
        tiles = self.tiles_for(keys)
        filtered = bool(kinds or mask or opens)
        x0, y0, z0 = unit_vector(lat, lng)
        within = chord2_of_m(ring)
        found = []
        for row, col in keys:  # this loop is most of a warm search's time
            tile = tiles.get(tile_key(row, col))
            if tile is None:
                continue
            south, height = tile.south_e6, tile.strip_e6
            first = max((lat_min - south) // height, 0)
            for lngs, xs, ys, zs, entries in tile.strips[
                    first:(lat_max - south) // height + 1]:
                for i in range(bisect_left(lngs, lng_min), bisect_right(lngs, lng_max)):
                    dx, dy, dz = xs[i] - x0, ys[i] - y0, zs[i] - z0
                    chord2 = dx * dx + dy * dy + dz * dz
                    if chord2 > within:
                        continue
                    entry = entries[i]
                    if filtered and (
                            (kinds and entry.kind not in kinds)
                            or entry.services_mask & mask != mask
                            or (opens and not opens(entry.schedule))):
                        continue
                    found.append((chord2, entry))
        return found


def _next_ring(ring: float, found: int, limit: int) -> float:
    """Grow to the area the density seen so far says holds 1.5 `limit` stations
    (1.5x to 4x the radius), or 8x when nothing was found to judge by."""
    if found == 0:
        return ring * 8
    return ring * min(4.0, max(1.5, math.sqrt(1.5 * limit / found)))


class StationIndexes:
    """A process's index: the newest revision seen, checked at most every `check_seconds`.

    A server process also keeps it warm (`keep_warm`): a background thread looks at the
    revision every `check_seconds` and reads every tile of each new index, so searches
    rarely read tiles themselves.
    """

    def __init__(self, check_seconds: float):
        self.check_seconds = check_seconds
        self.current = StationIndex(-1)
        self._checked_at = -math.inf
        self._lock = threading.Lock()
        self._warmer: threading.Thread | None = None
        self._stopped = threading.Event()

    def for_request(self) -> StationIndex:
        if time.monotonic() - self._checked_at >= self.check_seconds:
            index = self.at(revisions.current(revisions.STATIONS, replica_session()))
            self._checked_at = time.monotonic()
            return index
        return self.current

    def at(self, revision: int) -> StationIndex:
        """The index of `revision`: the current one, a newer one replacing it, or for a
        transaction whose snapshot is older than the current index, one of its own."""
        with self._lock:
            if revision > self.current.revision:
                self.current = self._next(self.current, revision)
            if revision == self.current.revision:
                return self.current
        return StationIndex(revision)

    @staticmethod
    def _next(index: StationIndex, revision: int) -> StationIndex:
        """The current index's successor at `revision`: without the tiles changed since,
        when the revisions between logged them all; else an empty one."""
        if index.revision >= 0:
            changed = revisions.changed_parts(revisions.STATIONS, index.revision, revision,
                                                 replica_session())
            if changed is not None:
                return index.successor(revision, changed)
        return StationIndex(revision)

    def keep_warm(self, app) -> None:
        """Start the background thread reading every tile of each new index (once)."""
        with self._lock:
            if self._warmer is None:
                self._warmer = threading.Thread(target=self._keep_warm, args=(app,),
                                                daemon=True, name="station-index")
                self._warmer.start()

    def stop_warming(self) -> None:
        """Stop the background thread (tests; a server process just exits)."""
        self._stopped.set()
        if self._warmer is not None:
            self._warmer.join()

    def _wanted(self, index: StationIndex) -> bool:
        return index is self.current and not self._stopped.is_set()

    def _keep_warm(self, app) -> None:
        """Every `check_seconds`: the newest revision, read whole once it has stood still
        for one look (a bulk load committing chunk after chunk is not read after each)."""
        with app.app_context():
            seen = None
            while not self._stopped.wait(max(self.check_seconds, 0.1)):
                try:
                    revision = revisions.current(revisions.STATIONS, replica_session())
                    replica_session().rollback()
                    index = self.at(revision)
                    if revision == seen and not index.complete:
                        index.read_all(keep_going=partial(self._wanted, index))
                    elif revision == seen and index.unread:
                        index.read_unread(keep_going=partial(self._wanted, index))
                    seen = revision
                except StaleIndex:
                    pass  # changed while being read: the next look sees the newer one
                except SQLAlchemyError as exc:  # searches read what they need meanwhile
                    log.warning("station index: reading every tile failed: %s",
                                type(exc).__name__)
                finally:
                    db.session.remove()
                    close_replica_session()


def indexes() -> StationIndexes:
    """This process's station index of the current app."""
    found = current_app.extensions.get("station_index")
    if found is None:
        found = current_app.extensions.setdefault(
            "station_index", StationIndexes(current_app.config["STATION_INDEX_CHECK_SECONDS"]))
    return found


def warm(app) -> None:
    """Keep this process's index of `app` warm when STATION_INDEX_WARM (a server process,
    at its start)."""
    if app.config["STATION_INDEX_WARM"]:
        with app.app_context():
            indexes().keep_warm(app)


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
        found = _SERVICES_JSON[mask] = json.dumps(services_of(mask), separators=(",", ":"))
    return found


def item_json(hit: Hit) -> bytes:
    """A nearby item (API.md) as UTF-8 JSON: the entry's part and the search's."""
    return b'{"distance_m":%d,"open_now":%s,"hours_text":%s,%s' % (
        round(hit.distance_m), b"true" if hit.open_now else b"false", hit.schedule.text_json,
        hit.entry.json)
