import math
import random
import sqlite3

import pytest

from service.domain.errors import RuleViolation
from service.domain.geo import (
    EARTH_RADIUS_M,
    bounding_box,
    cell_row,
    haversine_m,
    search_box,
    to_e6,
)

CENTRES = [(34.7466, 113.6253), (18.25, 109.51), (53.45, 122.36), (39.9, 116.4), (43.8, 87.6)]
RADII = [50, 3000, 10_000, 50_000]


def destination(lat, lng, distance_m, bearing_deg):
    """Point reached from (lat, lng) along a great circle (textbook spherical formula)."""
    d, b = distance_m / EARTH_RADIUS_M, math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lng)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1),
                         math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def covered(box, lat, lng):
    return (box.lat_min_e6 <= to_e6(lat) <= box.lat_max_e6
            and box.lng_min_e6 <= to_e6(lng) <= box.lng_max_e6 and cell_row(lat) in box.rows)


@pytest.mark.parametrize("centre", CENTRES)
@pytest.mark.parametrize("radius", RADII)
def test_every_point_within_the_radius_is_covered(centre, radius):
    rnd = random.Random(f"{centre}-{radius}")
    box = search_box(*centre, radius)
    # the rim in all directions, including the widest (east/west) and extreme (north/south)
    points = [destination(*centre, radius, bearing) for bearing in range(0, 360, 3)]
    points += [destination(*centre, radius * math.sqrt(rnd.random()), rnd.uniform(0, 360))
               for _ in range(2000)]
    for lat, lng in points:
        assert haversine_m(*centre, lat, lng) <= radius * (1 + 1e-9) + 1e-6
        assert covered(box, lat, lng), (lat, lng)


@pytest.mark.parametrize("centre", CENTRES)
def test_the_box_stays_tight(centre):
    box = search_box(*centre, 3000)
    assert len(box.rows) <= 7
    # the box's area stays close to the circle's square
    width_m = ((box.lng_max_e6 - box.lng_min_e6) / 1e6 * math.cos(math.radians(centre[0]))
               * math.pi / 180 * EARTH_RADIUS_M)
    height_m = (box.lat_max_e6 - box.lat_min_e6) / 1e6 * math.pi / 180 * EARTH_RADIUS_M
    assert width_m * height_m < 1.01 * (2 * 3000) ** 2


def test_points_just_outside_are_not_all_candidates():
    box = search_box(34.7466, 113.6253, 3000)
    far = [destination(34.7466, 113.6253, 6000, bearing) for bearing in range(0, 360, 10)]
    assert not any(covered(box, lat, lng) for lat, lng in far)


def test_bounding_box_encloses_the_circle():
    min_lat, min_lng, max_lat, max_lng = bounding_box(34.7466, 113.6253, 3000)
    for bearing in range(0, 360, 5):
        lat, lng = destination(34.7466, 113.6253, 3000, bearing)
        assert min_lat - 1e-9 <= lat <= max_lat + 1e-9
        assert min_lng - 1e-9 <= lng <= max_lng + 1e-9
    assert max_lat - min_lat == pytest.approx(2 * 3000 / 111_195, rel=1e-3)


def test_cell_row_bands_are_a_hundredth_of_a_degree():
    assert cell_row(34.7466) == 12474
    assert cell_row(34.75) == 12475
    assert cell_row(34.749999) == 12474
    assert cell_row(34.7499996) == 12475  # rows follow the stored, rounded lat_e6
    assert cell_row(-90) == 0


@pytest.mark.parametrize("radius", [-1, 50_001])
def test_radius_outside_limits_is_rejected(radius):
    with pytest.raises(RuleViolation) as exc:
        search_box(34.7, 113.6, radius)
    assert exc.value.code == "radius_invalid"


def test_sqlite_search_uses_the_index_and_finds_exactly_the_nearby_points():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE station (id INTEGER PRIMARY KEY, lat_e6 INTEGER NOT NULL,"
               " lng_e6 INTEGER NOT NULL, cell_row INTEGER NOT NULL)")
    db.execute("CREATE INDEX ix_station_cell ON station (cell_row, lng_e6)")
    rnd = random.Random(7)
    points = [(34.6 + rnd.random() * 0.3, 113.5 + rnd.random() * 0.3) for _ in range(5000)]
    db.executemany("INSERT INTO station (lat_e6, lng_e6, cell_row) VALUES (?, ?, ?)",
                   [(to_e6(lat), to_e6(lng), cell_row(lat)) for lat, lng in points])
    centre, radius = (34.7466, 113.6253), 3000
    box = search_box(*centre, radius)
    where = " OR ".join(["(cell_row = ? AND lng_e6 BETWEEN ? AND ?)"] * len(box.rows))
    params = [value for row in box.rows for value in (row, box.lng_min_e6, box.lng_max_e6)]
    sql = f"SELECT id, lat_e6, lng_e6 FROM station WHERE {where}"  # noqa: S608

    plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "USING COVERING INDEX ix_station_cell" in plan or "USING INDEX" in plan
    assert "SCAN" not in plan

    found = {pk for pk, lat_e6, lng_e6 in db.execute(sql, params)
             if haversine_m(*centre, lat_e6 / 1e6, lng_e6 / 1e6) <= radius}
    expected = {i + 1 for i, (lat, lng) in enumerate(points)
                if haversine_m(*centre, to_e6(lat) / 1e6, to_e6(lng) / 1e6) <= radius}
    assert found == expected and len(expected) > 100
