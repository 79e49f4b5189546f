"""The map viewport (capped, with the true count) and one station in full."""

from sqlalchemy import select

from service.demo.stations import generate_stations, insert_stations
from service.domain.geo import haversine_m
from service.extensions import db
from service.models.stations import Station
from service.stations.search import VIEWPORT_CAP
from tests.helpers import assert_error, org_id
from tests.stations.helpers import CENTRE

URL = "/api/v1/stations"
FULL_ROOM = {"area_m2": 12, "nursing_seats": 2, "air_conditioning": True, "fridge": True,
             "sterilizer": True, "sofa": True, "washbasin": True, "changing_table": True,
             "crib": True}


def test_viewport_lists_the_stations_inside_with_kind_filter(client, add_station):
    add_station("里面驿站", 34.75, 113.63)
    add_station("里面母婴室", 34.76, 113.64, kind="mother_baby_room")
    add_station("外面驿站", 34.90, 113.63)
    body = client.get(URL, query_string={"bbox": "113.60,34.72,113.66,34.77"}).get_json()
    assert sorted(i["name"] for i in body["items"]) == ["里面母婴室", "里面驿站"]
    assert (body["total"], body["page"], body["page_size"]) == (2, 1, VIEWPORT_CAP)
    assert {"lat", "lng", "kind", "open_now", "hours_text", "is_model"} <= set(body["items"][0])
    body = client.get(URL, query_string={"bbox": "113.60,34.72,113.66,34.77",
                                         "kind": "mother_baby_room"}).get_json()
    assert [i["name"] for i in body["items"]] == ["里面母婴室"]


def test_a_crowded_viewport_is_capped_and_says_so(app, client, demo_orgs):
    with app.app_context():
        insert_stations(generate_stations(1500, seed=3, around=CENTRE, spread_m=2500,
                                          org_ids=org_id(app, "JS"), code_prefix="VP"))
        db.session.commit()
    bbox = "113.59,34.72,113.66,34.77"
    body = client.get(URL, query_string={"bbox": bbox}).get_json()
    assert len(body["items"]) == VIEWPORT_CAP < body["total"]
    min_lng, min_lat, max_lng, max_lat = map(float, bbox.split(","))
    assert all(min_lng <= i["lng"] <= max_lng and min_lat <= i["lat"] <= max_lat
               for i in body["items"])
    # the ones shown are the middle of the map, not one edge of it
    middle = ((min_lat + max_lat) / 2, (min_lng + max_lng) / 2)
    with app.app_context():
        everywhere = sorted(haversine_m(*middle, s.lat, s.lng) for s in db.session.scalars(
            select(Station).where(Station.searchable.is_(True))))
    shown = [haversine_m(*middle, i["lat"], i["lng"]) for i in body["items"]]
    assert max(shown) <= everywhere[int(VIEWPORT_CAP * 1.3)] < everywhere[-1]


def test_bad_bbox_is_422(client):
    for bbox in ("113.6,34.7,113.5", "113.7,34.7,113.6,34.8", "a,b,c,d", "113,34,200,35"):
        body = assert_error(client.get(URL, query_string={"bbox": bbox}), 422, "bbox_invalid")
        assert "bbox" in body["errors"]["query"]
    assert_error(client.get(URL), 422, "validation_failed")


def test_detail_of_a_mother_baby_room_with_standard_check(client, add_station):
    room = add_station("商场母婴室", kind="mother_baby_room", services=["nursing", "water"],
                       facilities={**FULL_ROOM, "crib": False}, phone="0371-65550001",
                       photos=["https://img.example.cn/room.jpg"])
    body = client.get(f"{URL}/{room}").get_json()
    assert body["meets_standard"] is False
    assert body["standard_missing"] == ["缺少婴儿床"]
    assert body["facilities"]["crib"] is False and body["facilities"]["area_m2"] == 12
    assert body["is_public"] is True and body["status"] == "open"
    assert body["org"]["name"] == "金水区总工会"
    assert body["hours"] == {"always_open": True} and body["hours_text"] == "24小时开放"
    assert body["photos"] == ["https://img.example.cn/room.jpg"]
    assert body["external_code"].startswith("T-JS-") and body["open_now"] is True


def test_detail_of_a_love_station_and_of_nothing(client, add_station):
    station = add_station("驿站", is_model=True, status="suspended")
    body = client.get(f"{URL}/{station}").get_json()
    assert (body["kind"], body["is_model"], body["status"]) == ("love_station", True,
                                                                "suspended")
    assert body["facilities"] is None and body["meets_standard"] is None
    assert_error(client.get(f"{URL}/999999"), 404, "station_not_found")
