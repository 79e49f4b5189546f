"""Nearby search: true distances, order, filters, open now, visibility, coordinate systems."""

import math

import pytest

from tests.helpers import assert_error
from tests.stations.helpers import CENTRE, shanghai

URL = "/api/v1/stations/nearby"
WEEKDAY_OFFICE = {"weekly": {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu",
                                                                    "fri", "sat")}}
NIGHT_SHIFT = {"weekly": {"mon": [["22:00", "06:00"]]}}


def independent_distance_m(lat1, lng1, lat2, lng2):
    """Spherical law of cosines with the WGS-84 mean radius (written apart from the service)."""
    a, b = math.radians(lat1), math.radians(lat2)
    cos_c = (math.sin(a) * math.sin(b)
             + math.cos(a) * math.cos(b) * math.cos(math.radians(lng2 - lng1)))
    return 6_371_008.8 * math.acos(max(-1.0, min(1.0, cos_c)))


def offset(metres_north, metres_east, origin=CENTRE):
    lat = origin[0] + metres_north / 111_195
    return lat, origin[1] + metres_east / (111_195 * math.cos(math.radians(origin[0])))


def nearby(client, **params):
    query = {"lat": CENTRE[0], "lng": CENTRE[1], **params}
    response = client.get(URL, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_distances_match_an_independent_formula_and_items_are_sorted(client, add_station):
    places = {"北": (1800, 0), "东": (0, 900), "西南": (-400, -300), "远": (2500, 1500)}
    for name, (north, east) in places.items():
        add_station(name, *offset(north, east))
    body = nearby(client)
    assert [item["name"] for item in body["items"]] == ["西南", "东", "北", "远"]
    assert body["total"] == 4
    for item in body["items"]:
        expected = independent_distance_m(*CENTRE, item["lat"], item["lng"])
        assert item["distance_m"] == pytest.approx(expected, rel=0.01)
    assert set(body["items"][0]) == {"id", "kind", "name", "address", "lat", "lng",
                                     "distance_m", "services", "open_now", "hours_text",
                                     "phone"}


def test_radius_and_limit_bound_the_answer(client, add_station):
    for metres in (200, 1200, 2800, 4500, 30_000):
        add_station(f"{metres}米", *offset(metres, 0))
    assert [i["name"] for i in nearby(client)["items"]] == ["200米", "1200米", "2800米"]
    assert [i["name"] for i in nearby(client, radius=1000)["items"]] == ["200米"]
    assert len(nearby(client, radius=50_000, limit=4)["items"]) == 4
    assert nearby(client, radius=50_000)["items"][-1]["name"] == "30000米"


def test_kind_and_services_filters(client, add_station):
    add_station("驿站水电", *offset(100, 0), services=["water", "charging", "toilet"])
    add_station("驿站只有水", *offset(200, 0), services=["water"])
    add_station("骑手之家", *offset(300, 0), kind="rider_home",
                services=["water", "charging", "battery_swap"])
    add_station("母婴室", *offset(400, 0), kind="mother_baby_room", services=["nursing"])
    names = [i["name"] for i in nearby(client, services="water,charging")["items"]]
    assert names == ["驿站水电", "骑手之家"]  # every listed service must be present
    names = [i["name"] for i in nearby(client, kind="rider_home,mother_baby_room")["items"]]
    assert names == ["骑手之家", "母婴室"]
    body = nearby(client, kind="love_station", services="toilet")
    assert [i["name"] for i in body["items"]] == ["驿站水电"]
    assert body["items"][0]["services"] == ["water", "toilet", "charging"]


def test_open_now_across_midnight(client, add_station, clock):
    add_station("夜班驿站", *offset(100, 0), hours=NIGHT_SHIFT)
    add_station("白班驿站", *offset(200, 0), hours=WEEKDAY_OFFICE)
    add_station("全天驿站", *offset(300, 0))
    clock(shanghai(2026, 11, 23, 23, 30))  # Monday night
    body = nearby(client, open_now="true")
    assert [i["name"] for i in body["items"]] == ["夜班驿站", "全天驿站"]
    clock(shanghai(2026, 11, 24, 3, 0))  # Tuesday 03:00: still Monday's night shift
    assert [i["name"] for i in nearby(client, open_now="true")["items"]] == ["夜班驿站",
                                                                            "全天驿站"]
    clock(shanghai(2026, 11, 24, 7, 0))
    assert [i["name"] for i in nearby(client, open_now="true")["items"]] == ["全天驿站"]
    clock(shanghai(2026, 11, 24, 9, 0))
    all_items = nearby(client)["items"]
    assert [(i["name"], i["open_now"]) for i in all_items] == [
        ("夜班驿站", False), ("白班驿站", True), ("全天驿站", True)]
    assert all_items[0]["hours_text"] == "周一 22:00-次日06:00；周二至周日休息"


def test_station_closed_on_sunday_is_not_open_on_sunday(client, add_station, clock):
    add_station("周日休息", *offset(100, 0), hours=WEEKDAY_OFFICE)
    add_station("全天驿站", *offset(300, 0))
    clock(shanghai(2026, 11, 29, 10, 0))  # Sunday
    items = nearby(client)["items"]
    assert [(i["name"], i["open_now"]) for i in items] == [("周日休息", False),
                                                           ("全天驿站", True)]
    assert [i["name"] for i in nearby(client, open_now="true")["items"]] == ["全天驿站"]
    clock(shanghai(2026, 11, 28, 10, 0))  # Saturday
    assert nearby(client, open_now="true")["items"][0]["name"] == "周日休息"


def test_open_now_reads_past_many_closed_stations(client, add_station, clock):
    for i in range(60):
        add_station(f"关门{i}", *offset(10 + i, 0), hours=WEEKDAY_OFFICE)
    add_station("开着", *offset(500, 0))
    clock(shanghai(2026, 11, 29, 22, 0))
    assert [i["name"] for i in nearby(client, open_now="true", limit=1)["items"]] == ["开着"]


def test_private_rooms_suspended_and_closed_stations_are_never_returned(client, add_station):
    add_station("对外母婴室", *offset(100, 0), kind="mother_baby_room", is_public=True)
    private = add_station("内部母婴室", *offset(150, 0), kind="mother_baby_room",
                          is_public=False)
    add_station("暂停驿站", *offset(200, 0), status="suspended")
    closed = add_station("关闭驿站", *offset(250, 0), status="closed")
    assert [i["name"] for i in nearby(client)["items"]] == ["对外母婴室"]
    assert [i["name"] for i in nearby(client, kind="mother_baby_room")["items"]] == [
        "对外母婴室"]
    viewport = client.get("/api/v1/stations", query_string={
        "bbox": "113.60,34.72,113.65,34.77"}).get_json()
    assert [i["name"] for i in viewport["items"]] == ["对外母婴室"]
    assert_error(client.get(f"/api/v1/stations/{private}"), 404, "station_not_found")
    assert_error(client.get(f"/api/v1/stations/{closed}"), 404, "station_not_found")


# Published reference pairs (wandergis/coordtransform): the same spot in three systems.
WGS84_POINT, WGS84_AS_GCJ02 = (39.915, 116.404), (39.91640428150164, 116.41024449916938)
BD09_POINT, BD09_AS_GCJ02 = (39.915, 116.404), (39.90865673957631, 116.39762729119315)


@pytest.mark.parametrize(("coord", "given", "gcj02"), [
    ("wgs84", WGS84_POINT, WGS84_AS_GCJ02),
    ("bd09", BD09_POINT, BD09_AS_GCJ02),
    ("gcj02", WGS84_AS_GCJ02, WGS84_AS_GCJ02),
])
def test_wgs84_and_bd09_inputs_land_on_the_gcj02_point(client, add_station, coord, given,
                                                       gcj02):
    add_station("天安门驿站", *gcj02)
    body = nearby(client, lat=given[0], lng=given[1], coord=coord, radius=2000)
    assert body["items"][0]["name"] == "天安门驿站"
    assert body["items"][0]["distance_m"] <= 5


def test_outside_china_is_422_with_a_clear_message(client):
    body = assert_error(client.get(URL, query_string={"lat": 48.8566, "lng": 2.3522}), 422,
                        "coordinates_out_of_china")
    assert "中国境内" in body["message"]
    assert "lng" in body["errors"]["query"]
    body = assert_error(client.get(URL, query_string={"lat": 113.6, "lng": 34.7}), 422)
    assert "填反" in body["message"]


@pytest.mark.parametrize(("params", "field"), [
    ({"radius": 50_001}, "radius"),
    ({"limit": 101}, "limit"),
    ({"kind": "love_station,hotel"}, "kind"),
    ({"services": "water,sauna"}, "services"),
    ({"coord": "wgs-84"}, "coord"),
])
def test_invalid_parameters_name_the_field(client, params, field):
    query = {"lat": CENTRE[0], "lng": CENTRE[1], **params}
    body = assert_error(client.get(URL, query_string=query), 422)
    assert field in body["errors"]["query"]


def test_missing_coordinates_are_422(client):
    body = assert_error(client.get(URL), 422, "validation_failed")
    assert body["message"] in ("纬度为必填项", "经度为必填项")
