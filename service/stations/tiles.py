"""What the station index holds in memory: tiles of stations in strips, their entries.

A tile is one `cell_row` band (0.01 degree of latitude) by 0.01 degree of longitude
(service/domain/geo.py). Inside a tile the stations sit in strips of latitude, each sorted
by longitude, the denser the tile the thinner the strips (see `Tile`): a search bisects
every strip it crosses to the circle's longitude range and measures only the stations in
that range, by the chord between unit vectors (geo.unit_vector), which orders them exactly
as the great-circle distance does.
"""

import math
from array import array
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from service.domain.geo import ROW_E6, SearchBox, row_south_e6, tile_col, unit_vector

MAX_STRIPS = 100  # strips of at least 0.0001 degree of latitude, about 11 m


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
    # open_now and hours_text (service/stations/item_json.py).
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
        self.south_e6 = row_south_e6(row)
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
