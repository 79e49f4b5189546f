"""The public stations, kept in each process's memory by map tile for nearby search.

Nearby search is the mini-program's busiest request, and its data changes rarely: each
process reads a part of the map from the database once and answers from memory after that,
so a search costs about what any small request costs. The job is shared out by module:

- service/stations/tiles.py: what is held (tiles of stations in strips, their entries);
- service/stations/tile_sql.py: the statements reading tiles on `ix_stations_cell`;
- service/stations/tile_cache.py: reading tiles at one stations revision;
- this module: searching them, nearest first, by exact great-circle distance;
- service/stations/warmup.py: this process's index, checked for newer revisions and kept
  warm by a background thread;
- service/stations/item_json.py: the answer's JSON, from parts encoded once per tile.

Freshness. Every change to stations bumps the stations revision in its own transaction
(service/models/revisions.py), logging the tiles it touched. A process looks at the
revision at most every STATION_INDEX_CHECK_SECONDS; when it moved, the next index keeps
the tiles no revision since touched and reads the others again (`TileCache.successor`),
or starts empty when a revision logged no tiles.

Searching. A search bisects every strip of the tiles it crosses to the circle's longitude
range and measures only the stations in that range, by the chord between unit vectors
(geo.unit_vector); only the answers' distances are turned into metres.
"""

import math
from bisect import bisect_left, bisect_right
from datetime import datetime

from service.domain.geo import (
    EARTH_RADIUS_M,
    ROW_E6,
    cell_row,
    chord2_of_m,
    m_of_chord2,
    search_box,
    tile_col,
    tile_key,
    to_e6,
    unit_vector,
)
from service.domain.hours import is_open
from service.stations.tile_cache import TileCache
from service.stations.tiles import Hit, tiles_in

FIRST_RING_M = 250  # where a tile holds no station to judge the density by


class StationIndex(TileCache):
    """The tiles read so far at one stations revision, and the nearest stations in them."""

    def __init__(self, revision: int):
        super().__init__(revision)
        self._open_minute: tuple[int, dict[int, bool]] = (-1, {})  # see _opens_at

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
