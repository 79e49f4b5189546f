import math

import pytest

from service.domain.errors import RuleViolation
from service.domain.geo import (
    bd09_to_gcj02,
    check_in_china,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    out_of_china,
    to_gcj02,
    wgs84_to_gcj02,
)

# Published test vectors, (lng, lat) -> (lng, lat).
# googollee/eviltransform go/transform_test.go (Shanghai, Shenzhen, Beijing)
# and feiquan123/coordtransform-go coordtransform_test.go (Wuhan).
WGS84_TO_GCJ02 = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    ((114.363089, 30.517411), (114.36861383019243, 30.515078352018758)),
]
# feiquan123/coordtransform-go (Wuhan) and dromara/hutool CoordinateUtilTest (Beijing).
BD09_TO_GCJ02 = [
    ((114.363089, 30.517411), (114.356659806424, 30.511068245460944)),
    ((116.404, 39.915), (116.39762729119315, 39.90865673957631)),
]
GCJ02_TO_BD09 = [
    ((114.363089, 30.517411), (114.36951652929112, 30.523754384540837)),
    ((116.404, 39.915), (116.41036949371029, 39.92133699351022)),
]
LONDON, NEW_YORK, TOKYO = (-0.1276, 51.5072), (-74.006, 40.7128), (139.6917, 35.6895)


def metres_apart(a, b):
    return haversine_m(a[1], a[0], b[1], b[0])


@pytest.mark.parametrize(("wgs", "gcj"), WGS84_TO_GCJ02)
def test_wgs84_to_gcj02_matches_published_vectors(wgs, gcj):
    assert metres_apart(wgs84_to_gcj02(*wgs), gcj) < 5
    assert metres_apart(to_gcj02(*wgs, "wgs84"), gcj) < 5


@pytest.mark.parametrize(("wgs", "gcj"), WGS84_TO_GCJ02)
def test_gcj02_to_wgs84_inverts_published_vectors(wgs, gcj):
    assert metres_apart(gcj02_to_wgs84(*gcj), wgs) < 0.5


@pytest.mark.parametrize(("bd", "gcj"), BD09_TO_GCJ02)
def test_bd09_to_gcj02_matches_published_vectors(bd, gcj):
    assert metres_apart(bd09_to_gcj02(*bd), gcj) < 5
    assert metres_apart(to_gcj02(*bd, "bd09"), gcj) < 5


@pytest.mark.parametrize(("gcj", "bd"), GCJ02_TO_BD09)
def test_gcj02_to_bd09_matches_published_vectors(gcj, bd):
    assert metres_apart(gcj02_to_bd09(*gcj), bd) < 5


@pytest.mark.parametrize("gcj", [(113.6253, 34.7466), (87.6168, 43.8256), (109.5120, 18.2528),
                                 (126.5349, 45.8038), (91.1409, 29.6456)])
def test_round_trips_stay_within_half_a_metre(gcj):
    assert metres_apart(wgs84_to_gcj02(*gcj02_to_wgs84(*gcj)), gcj) < 0.5
    assert metres_apart(bd09_to_gcj02(*gcj02_to_bd09(*gcj)), gcj) < 0.5


def test_gcj02_is_left_alone():
    assert to_gcj02(113.6253, 34.7466) == (113.6253, 34.7466)


def test_unknown_coordinate_system_is_rejected():
    with pytest.raises(RuleViolation) as exc:
        to_gcj02(113.6, 34.7, "utm")
    assert exc.value.code == "coord_invalid"


@pytest.mark.parametrize("point", [LONDON, NEW_YORK, TOKYO])
def test_no_offset_outside_china(point):
    assert out_of_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


def test_zhengzhou_is_in_china():
    assert not out_of_china(113.6253, 34.7466)
    check_in_china(34.7466, 113.6253)


@pytest.mark.parametrize(("lat", "lng", "field"), [
    (51.5072, -0.1276, "lng"),
    (-33.8688, 151.2093, "lat"),
    (60.0, 100.0, "lat"),
])
def test_coordinates_outside_china_are_rejected(lat, lng, field):
    with pytest.raises(RuleViolation) as exc:
        check_in_china(lat, lng)
    assert exc.value.code == "coordinates_out_of_china"
    assert exc.value.field == field
    assert "坐标不在中国境内" in exc.value.message


@pytest.mark.parametrize(("lat", "lng", "field"), [
    (math.nan, 113.6, "lat"),
    (34.7, math.inf, "lng"),
    (113.6, 34.7, "lat"),  # swapped
    (34.7, 181.0, "lng"),
    ("34.7", 113.6, "lat"),
])
def test_invalid_coordinates_are_rejected(lat, lng, field):
    with pytest.raises(RuleViolation) as exc:
        check_in_china(lat, lng)
    assert exc.value.code == "coordinates_invalid"
    assert exc.value.field == field


def test_haversine_matches_the_rosetta_code_reference():
    # Rosetta Code "Haversine formula": BNA -> LAX is 2886.444 km for R = 6371.0 km.
    distance = haversine_m(36.12, -86.67, 33.94, -118.40)
    assert distance == pytest.approx(2_886_444, rel=1e-3)


def test_one_degree_of_meridian_is_about_111_2_km():
    assert haversine_m(34.0, 113.6, 35.0, 113.6) == pytest.approx(111_195, rel=1e-3)
    assert haversine_m(0.0, 0.0, 0.0, 1.0) == pytest.approx(111_195, rel=1e-3)


def test_haversine_is_zero_for_the_same_point_and_symmetric():
    assert haversine_m(34.7466, 113.6253, 34.7466, 113.6253) == 0
    a = haversine_m(34.7466, 113.6253, 34.7563, 113.7782)
    assert a == haversine_m(34.7563, 113.7782, 34.7466, 113.6253)
