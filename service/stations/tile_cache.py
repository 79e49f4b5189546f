"""Reading tiles of public stations into memory, at one stations revision.

Tiles are read in the same snapshot as the revision and kept only by the index of that
revision, so a tile read before a change can never outlive it: a read that finds the
database at another revision raises StaleIndex. A later revision's index keeps the tiles
no revision since touched and reads the others again (`TileCache.successor`).
"""

import gc
import json
import threading
from bisect import bisect_left

from sqlalchemy import func, select

from service.core.database import replica_session
from service.domain.geo import TILE_COLUMNS, tile_key
from service.models import revisions
from service.models.stations import Station
from service.stations.item_json import entry_json, hours_text_json
from service.stations.tile_sql import band_query, tile_lines_query, tiles_statement
from service.stations.tiles import Entry, Schedule, Tile

# A catch-up statement reads unread tiles until it expects about BATCH_STATIONS stations (a
# tile weighs the stations it held before the change; one never read, UNKNOWN_WEIGHT) or
# holds BATCH_TILES tiles: 16 dense tiles, or a few hundred sparse ones of country-wide data,
# so searches wait for the lock about as long either way.
BATCH_STATIONS, BATCH_TILES, UNKNOWN_WEIGHT = 1024, 256, 64


class StaleIndex(Exception):
    """The database is at another revision than the index being filled."""

    def __init__(self, revision: int):
        super().__init__(revision)
        self.revision = revision


class TileCache:
    """The tiles read so far at one stations revision."""

    def __init__(self, revision: int):
        self.revision = revision
        self.tiles: dict[int, Tile | None] = {}  # None: read, and empty
        self._rows_read: set[int] = set()  # rows read whole: a tile missing there is empty
        self.complete = False  # every tile read (read_all)
        self.unread: set[int] = set()  # tiles changed since the index this one came from
        # The unread tiles in key order, (row, col), from _unread_next on: tiles a search
        # read meanwhile are skipped when reached (see _next_unread), never searched for.
        self._unread_order: list[int] = []
        self._unread_next = 0
        self._weights: dict[int, int] = {}  # of unread tiles: stations expected in them
        self.schedules: list[Schedule] = []
        self._schedule_numbers: dict[str, int] = {}  # by the hours' JSON text
        self._kinds: dict[str, str] = {}  # one string per kind, not one per station
        self.loads = 0  # statements that read tiles, for tests and benchmarks
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return sum(tile.count for tile in self.tiles.values() if tile)

    def successor(self, revision: int, changed: set[int]):
        """The index of a later `revision` that changed the tiles `changed` only: this one's
        tiles but those, which it reads again (they are `unread` until then)."""
        after = type(self)(revision)
        with self._lock:
            # Copies (at the speed of memory) and work on what `changed` holds only: a change
            # costs what it touched, not a pass in Python over every tile or unread tile.
            after.tiles = dict(self.tiles)
            for key in changed:
                after.tiles.pop(key, None)
            after._rows_read = set(self._rows_read)
            after.complete = self.complete
            after.unread = self.unread | changed
            after._weights = {key: weight for key, weight in self._weights.items()
                              if key in self.unread}  # about as many as unread
            after._weights.update({key: self._weights.get(key) or self._weight(key)
                                   for key in changed})
            order = self._unread_order[self._unread_next:]
            order += sorted(changed)
            order.sort()  # two sorted runs: one merge
            after._unread_order = order
            after.schedules = list(self.schedules)  # the tiles kept number theirs in it
            after._schedule_numbers = dict(self._schedule_numbers)
            after._kinds = dict(self._kinds)
        return after

    def _weight(self, key: int) -> int:
        """The stations a tile held before a change: what reading it again will cost."""
        if key not in self.tiles:
            return UNKNOWN_WEIGHT
        tile = self.tiles[key]
        return max(1, tile.count) if tile else 1

    def read_unread(self, keep_going=lambda: True, tiles: int = BATCH_TILES,
                    stations: int = BATCH_STATIONS) -> None:
        """Read the tiles changed since the index this one came from, at most `tiles` and
        about `stations` per statement and transaction (searches wait for the lock one
        statement at most), while `keep_going()`; raises StaleIndex when the stations
        changed meanwhile."""
        while self.unread and keep_going():
            keys = self._next_unread(tiles, stations)
            self.tiles_for([divmod(key, TILE_COLUMNS) for key in keys])
            replica_session().rollback()

    def _next_unread(self, count: int, stations: int) -> list[int]:
        """The first unread tiles in (row, col) order, adjacent ones together, `count` at
        most and as many as weigh under `stations` (one at least): the order's entries
        from `_unread_next` on that are still unread. They stay there until read (a read
        that fails leaves them to the next round), so each entry is looked at about twice
        in all, however many rounds the catch-up takes."""
        order, unread, at = self._unread_order, self.unread, self._unread_next
        while at < len(order) and order[at] not in unread:
            at += 1
        self._unread_next = at  # the ones before were read
        found: list[int] = []
        weights, weight = self._weights, 0
        while at < len(order) and len(found) < count and weight < stations:
            key = order[at]
            if key in unread and (not found or key != found[-1]):  # a tile changed twice
                found.append(key)
                weight += weights.get(key, UNKNOWN_WEIGHT)
            at += 1
        return found

    def tiles_for(self, wanted: list[tuple[int, int]]) -> dict[int, Tile | None]:
        """The tiles of `wanted` (row, col) pairs, reading the missing ones first."""
        missing = sorted({pair for pair in wanted if self._lacks(pair)})
        if missing:
            with self._lock:
                missing = [pair for pair in missing if self._lacks(pair)]
                if missing:
                    self._read(*tiles_statement(missing), missing)
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
                    self._read(band_query(rows[0], rows[-1]), {}, [], rows)
                    self._rows_read.update(rows)
            replica_session().rollback()  # a snapshot per band: the next one sees changes
        self.complete = True

    def _read(self, statement, params: dict, missing: list[tuple[int, int]],
              rows=range(0)) -> None:
        """Read the tiles `statement` selects with `params`; `missing` (row, col) pairs it
        finds no station in are remembered as empty, as are the tiles of whole `rows` it
        reads."""
        # The snapshot the tiles will be read in (the replica's, when there is one).
        seen = revisions.current(revisions.STATIONS, replica_session())
        if seen != self.revision:
            raise StaleIndex(seen)
        read = {}
        for row, col, count, text in replica_session().execute(statement, params):
            lines = text.split("\n") if text else []
            if len(lines) != count:  # longer than the aggregate may be: read it row by row
                lines = replica_session().scalars(tile_lines_query(row, col)).all()
            read[tile_key(row, col)] = self._tile(row, lines)
        self.loads += 1
        for pair in missing:
            read.setdefault(tile_key(*pair), None)
        self.tiles.update(read)
        if self.unread:  # in place, for what was read only (searches look without the lock)
            self.unread.difference_update(read)
            for key in read:
                self._weights.pop(key, None)
            if rows:
                order = self._unread_order
                first = bisect_left(order, tile_key(rows[0], 0), self._unread_next)
                last = bisect_left(order, tile_key(rows[-1] + 1, 0), first)
                self.unread.difference_update(order[first:last])
                for key in order[first:last]:
                    self._weights.pop(key, None)
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
            kind = kinds.setdefault(kind, kind)
            stations.append((lng_e6, lat_e6, new_entry((
                int(station_id), kind, mask, schedule,
                entry_json(station_id, kind, lat_e6, lng_e6, mask, members)))))
        return Tile(row, stations)

    def _schedule(self, hours: str) -> int:
        parsed = json.loads(hours)
        self.schedules.append(Schedule(parsed, bool(parsed.get("always_open")),
                                       hours_text_json(parsed)))
        number = self._schedule_numbers[hours] = len(self.schedules) - 1
        return number
