"""Coordinates: datum conversion, China bounds, distances and the nearby-search row index.

Stations store GCJ-02 coordinates as integers `lat_e6`/`lng_e6` (degrees x 1e6, ~0.1 m)
plus `cell_row = (lat_e6 + LAT_MAX_E6) // ROW_E6`, the 0.01-degree latitude band
(~1.1 km tall), with a composite B-tree index on `(cell_row, lng_e6)`. Integers compare
identically on SQLite, MariaDB/MySQL and MySQL-compatible distributed databases, and no
spatial types or extensions are needed.

A circle becomes its search box: the micro-degree ranges of latitude and longitude that
hold every stored point within it (its bounding box, widened by the rounding of stored
values), and the bands those latitudes fall in. The nearby search reads whole 0.01-degree
tiles of the box into memory (service/stations/), one range of the index per run
of adjacent tiles in a band, and orders stations there by exact great-circle distance
(the tile geometry is defined here once: `tile_col`, `tile_key`, `row_south_e6`). A
map viewport is one predicate, `cell_row BETWEEN cell_row(min_lat) AND cell_row(max_lat)
AND lng_e6 BETWEEN ...`, with a cap. Circles crossing the antimeridian are clipped (no
Chinese coordinate is near it).
"""

import math
from typing import NamedTuple

from service.domain.errors import RuleViolation

KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323
X_PI = math.pi * 3000.0 / 180.0
EARTH_RADIUS_M = 6371008.8
CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)  # min lng, min lat, max lng, max lat
ROW_E6 = 10_000  # a latitude band is 0.01 degree tall; a tile is as wide
# Stored coordinates lie within these; adding them makes band and column numbers positive.
LAT_MAX_E6 = 90_000_000
LNG_MAX_E6 = 180_000_000
TILE_COLUMNS = 2 * LNG_MAX_E6 // ROW_E6 + 1
MAX_RADIUS_M = 50_000
_MARGIN_E6 = 2  # absorbs the rounding of stored coordinates to 1e-6 degree


class SearchBox(NamedTuple):
    """Micro-degree ranges holding every stored point within a circle (see search_box)."""

    lat_min_e6: int
    lat_max_e6: int
    lng_min_e6: int
    lng_max_e6: int

    @property
    def rows(self) -> range:
        """The latitude bands (cell_row) of the box."""
        return range(row_of_e6(self.lat_min_e6), row_of_e6(self.lat_max_e6) + 1)


def out_of_china(lng: float, lat: float) -> bool:
    """True outside the rough box where the GCJ-02 offset applies."""
    min_lng, min_lat, max_lng, max_lat = CHINA_BOX
    return not (min_lng <= lng <= max_lng and min_lat <= lat <= max_lat)


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2 / 3
    return ret


def _offset_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    return ret


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """WGS-84 (GPS) to GCJ-02; unchanged outside China."""
    if out_of_china(lng, lat):
        return lng, lat
    dlat = _offset_lat(lng - 105.0, lat - 35.0)
    dlng = _offset_lng(lng - 105.0, lat - 35.0)
    radlat = math.radians(lat)
    magic = 1 - KRASOVSKY_EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (KRASOVSKY_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """GCJ-02 to WGS-84 by fixed-point iteration (error well under a centimetre)."""
    wlng, wlat = lng, lat
    for _ in range(30):
        glng, glat = wgs84_to_gcj02(wlng, wlat)
        dlng, dlat = glng - lng, glat - lat
        wlng, wlat = wlng - dlng, wlat - dlat
        if abs(dlng) < 1e-10 and abs(dlat) < 1e-10:
            break
    return wlng, wlat


def bd09_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """BD-09 (Baidu) to GCJ-02."""
    x, y = lng - 0.0065, lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    """GCJ-02 to BD-09 (Baidu)."""
    z = math.hypot(lng, lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def to_gcj02(lng: float, lat: float, coord: str = "gcj02") -> tuple[float, float]:
    """Convert from the named system (wgs84, gcj02, bd09) to GCJ-02."""
    if coord == "gcj02":
        return lng, lat
    if coord == "wgs84":
        return wgs84_to_gcj02(lng, lat)
    if coord == "bd09":
        return bd09_to_gcj02(lng, lat)
    raise RuleViolation("coord_invalid", "坐标系应为 gcj02、wgs84 或 bd09", "coord")


def check_in_china(lat: float, lng: float) -> None:
    """Reject invalid coordinates and coordinates outside China's bounds."""
    for field, name, value, limit in (("lat", "纬度", lat, 90.0), ("lng", "经度", lng, 180.0)):
        if not isinstance(value, int | float) or not math.isfinite(value) or abs(value) > limit:
            raise RuleViolation(
                "coordinates_invalid",
                f"坐标无效：{name}应为 -{limit:g} 至 {limit:g} 之间的数字，请确认经纬度是否填反",
                field)
    if out_of_china(lng, lat):
        min_lng, min_lat, max_lng, max_lat = CHINA_BOX
        field = "lat" if not min_lat <= lat <= max_lat else "lng"
        raise RuleViolation(
            "coordinates_out_of_china",
            "坐标不在中国境内，请确认经纬度是否填反或坐标系是否正确", field)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres on a sphere of the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def unit_vector(lat: float, lng: float) -> tuple[float, float, float]:
    """The point on the unit sphere. The straight line (chord) between two such points is
    2 sin(d / 2R) long for a great-circle distance d: it orders points by distance exactly
    as haversine_m does, for a few multiplications."""
    p, lam = math.radians(lat), math.radians(lng)
    return math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p)


def chord2_of_m(distance_m: float) -> float:
    """The squared chord of a great-circle distance (see unit_vector)."""
    return (2 * math.sin(min(distance_m / EARTH_RADIUS_M, math.pi) / 2)) ** 2


def m_of_chord2(chord2: float) -> float:
    """The great-circle distance of a squared chord (haversine_m's formula: h = chord2 / 4)."""
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(chord2) / 2))


def to_e6(degrees: float) -> int:
    """Degrees as the stored integer (micro-degrees)."""
    return round(degrees * 1_000_000)


def cell_row(lat: float) -> int:
    """The 0.01-degree latitude band a stored latitude belongs to."""
    return row_of_e6(to_e6(lat))


def row_of_e6(lat_e6: int) -> int:
    """The latitude band (cell_row) of a stored latitude in micro-degrees."""
    return (lat_e6 + LAT_MAX_E6) // ROW_E6


def row_south_e6(row: int) -> int:
    """The southern edge of a latitude band, in micro-degrees."""
    return row * ROW_E6 - LAT_MAX_E6


# The map tiles of nearby search (service/stations/): a band by 0.01 degree of longitude,
# numbered as one integer (tile_key). Every write of stations logs the tiles it touched
# with its revision (service/models/stations.py), so the index drops just those.

def tile_col(lng_e6):
    """The tile column of a stored longitude (an int, or a SQL expression of a column)."""
    return (lng_e6 + LNG_MAX_E6) // ROW_E6


def col_west_e6(col: int) -> int:
    """The western edge of a tile column, in micro-degrees."""
    return col * ROW_E6 - LNG_MAX_E6


def tile_key(row: int, col: int) -> int:
    """One integer naming the tile (row, col)."""
    return row * TILE_COLUMNS + col


def _half_width_deg(lat: float, delta: float) -> float:
    """Largest longitude offset of any point of the circle; 180 when it holds a pole."""
    if abs(lat) + math.degrees(delta) >= 90.0:
        return 180.0
    return math.degrees(math.asin(min(1.0, math.sin(delta) / math.cos(math.radians(lat)))))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lng, max_lat, max_lng) enclosing the circle."""
    delta = radius_m / EARTH_RADIUS_M
    dlat, dlng = math.degrees(delta), _half_width_deg(lat, delta)
    return (max(-90.0, lat - dlat), max(-180.0, lng - dlng),
            min(90.0, lat + dlat), min(180.0, lng + dlng))


def search_box(lat: float, lng: float, radius_m: float) -> SearchBox:
    """The ranges of stored lat_e6/lng_e6 holding every point within `radius_m` of the
    centre: its bounding box, widened by the rounding of stored values."""
    if not 0 <= radius_m <= MAX_RADIUS_M:
        raise RuleViolation(
            "radius_invalid", f"搜索半径应在 0 至 {MAX_RADIUS_M} 米之间", "radius")
    min_lat, min_lng, max_lat, max_lng = bounding_box(lat, lng, radius_m)
    return SearchBox(max(-LAT_MAX_E6, to_e6(min_lat) - _MARGIN_E6),
                     min(LAT_MAX_E6, to_e6(max_lat) + _MARGIN_E6),
                     max(-LNG_MAX_E6, to_e6(min_lng) - _MARGIN_E6),
                     min(LNG_MAX_E6, to_e6(max_lng) + _MARGIN_E6))
