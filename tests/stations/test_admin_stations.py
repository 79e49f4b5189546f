"""Staff keep the ledger: create, change, close, list, inside their own subtree only."""

from sqlalchemy import select

from service.domain.geo import haversine_m
from service.extensions import db
from service.models.audit import AuditEntry
from service.models.stations import Station
from tests.helpers import assert_error, org_id

URL = "/api/v1/admin/stations"
NEW = {"kind": "love_station", "name": "花园路环卫驿站", "address": "郑州市金水区花园路88号",
       "lat": 34.7869, "lng": 113.6705, "services": ["water", "meal_heating", "charging"],
       "hours": {"weekly": {"mon": [["08:00", "18:00"]], "sun": []}}, "phone": "0371-65550001",
       "external_code": "JS-0001"}


def create(client, headers, **fields):
    return client.post(URL, json={**NEW, **fields}, headers=headers)


def test_station_manager_creates_in_own_org_and_it_is_found(app, client, staff):
    response = create(client, staff("jinshui_stations"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["org"]["code"] == "JS" and body["district_code"] == "410105"
    assert body["services"] == ["water", "meal_heating", "charging"]
    assert body["hours_text"] == "周一 08:00-18:00；周二至周日休息"
    assert (body["lat"], body["lng"]) == (34.7869, 113.6705)
    found = client.get("/api/v1/stations/nearby",
                       query_string={"lat": 34.787, "lng": 113.6705}).get_json()
    assert [item["id"] for item in found["items"]] == [body["id"]]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "station.create"))
        assert entry.object_id == str(body["id"]) and entry.actor_name == "jinshui_stations"


def test_coordinates_from_baidu_are_stored_as_gcj02(client, staff):
    body = create(client, staff("jinshui_stations"), lat=39.915, lng=116.404,
                  coord="bd09").get_json()
    assert haversine_m(body["lat"], body["lng"], 39.90865673957631, 116.39762729119315) < 1


def test_mother_baby_room_facilities_and_standard(client, staff):
    room = create(client, staff("jinshui_stations"), kind="mother_baby_room", is_public=False,
                  facilities={"area_m2": 8, "nursing_seats": 2, "fridge": True}).get_json()
    assert room["is_public"] is False and room["meets_standard"] is False
    assert room["standard_missing"] == ["面积不足10平方米", "缺少空调", "缺少消毒柜",
                                        "缺少沙发或座椅", "缺少洗手池"]
    body = assert_error(create(client, staff("jinshui_stations"), external_code="JS-0002",
                               facilities={"fridge": True}), 422, "facilities_not_applicable")
    assert "facilities" in body["errors"]["json"]


def test_invalid_fields_are_422_naming_them(client, staff):
    headers = staff("jinshui_stations")
    cases = [({"lat": 48.85, "lng": 2.35}, "coordinates_out_of_china"),
             ({"hours": {"weekly": {"mon": [["25:00", "26:00"]]}}}, "hours_invalid"),
             ({"phone": "12"}, "station_phone_invalid"),
             ({"photos": ["http://insecure.example/a.jpg"]}, "photos_invalid"),
             ({"services": ["sauna"]}, "validation_failed"),
             ({"kind": "hotel"}, "validation_failed")]
    for fields, error in cases:
        assert_error(create(client, headers, **fields), 422, error)
    body = assert_error(client.post(URL, json={"name": "x"}, headers=headers), 422)
    assert body["message"] == "类型为必填项"


def test_scope_and_roles(app, client, staff):
    erqi = org_id(app, "EQ")
    assert_error(create(client, staff("jinshui_stations"), org_id=erqi), 403, "out_of_scope")
    other = create(client, staff("city_admin"), org_id=erqi).get_json()
    assert other["org"]["code"] == "EQ"
    headers = staff("jinshui_stations")
    assert_error(client.get(f"{URL}/{other['id']}", headers=headers), 404)
    assert_error(client.patch(f"{URL}/{other['id']}", json={"name": "改"}, headers=headers), 403,
                 "out_of_scope")
    assert_error(client.delete(f"{URL}/{other['id']}", headers=headers), 403, "out_of_scope")
    assert_error(create(client, staff("jinshui_reviewer"), external_code="X1"), 403,
                 "role_required")
    assert create(client, staff("jinshui_admin"), external_code="X2").status_code == 201
    assert_error(client.get(URL), 401, "token_missing")


def test_patch_changes_fields_and_position(client, staff):
    headers = staff("jinshui_stations")
    station = create(client, headers).get_json()
    response = client.patch(f"{URL}/{station['id']}", headers=headers, json={
        "name": "花园路爱心驿站", "lat": 39.915, "lng": 116.404, "coord": "wgs84",
        "hours": {"always_open": True}, "services": ["toilet"]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name"] == "花园路爱心驿站" and body["hours_text"] == "24小时开放"
    assert body["services"] == ["toilet"] and body["phone"] == "0371-65550001"
    assert haversine_m(body["lat"], body["lng"], 39.91640428150164, 116.41024449916938) < 1
    assert_error(client.patch(f"{URL}/{station['id']}", headers=headers, json={"lat": 34.7}),
                 422, "position_incomplete")


def test_external_code_is_unique(client, staff):
    headers = staff("jinshui_stations")
    first = create(client, headers).get_json()
    assert_error(create(client, headers), 409, "station_code_taken")
    second = create(client, headers, external_code="JS-0009").get_json()
    assert_error(client.patch(f"{URL}/{second['id']}", headers=headers,
                              json={"external_code": first["external_code"]}),
                 409, "station_code_taken")


def test_delete_closes_the_station_and_hides_it(app, client, staff):
    headers = staff("jinshui_stations")
    station = create(client, headers).get_json()
    assert client.delete(f"{URL}/{station['id']}", headers=headers).status_code == 204
    assert_error(client.get(f"/api/v1/stations/{station['id']}"), 404)
    assert client.get(f"{URL}/{station['id']}", headers=headers).get_json()["status"] == "closed"
    with app.app_context():
        assert db.session.get(Station, station["id"]).searchable is False
        actions = db.session.scalars(select(AuditEntry.action)
                                     .where(AuditEntry.object_id == str(station["id"]))).all()
        assert sorted(actions) == ["station.create", "station.delete"]


def test_list_filters_inside_the_subtree(client, staff, app):
    create(client, staff("jinshui_stations"))
    create(client, staff("jinshui_stations"), external_code="JS-2", kind="rider_home",
           name="美团骑手之家")
    create(client, staff("city_admin"), external_code="EQ-1", org_id=org_id(app, "EQ"))
    headers = staff("jinshui_stations")
    body = client.get(URL, headers=headers).get_json()
    assert body["total"] == 2 and {i["org"]["code"] for i in body["items"]} == {"JS"}
    assert client.get(URL, headers=headers, query_string={"kind": "rider_home"}
                      ).get_json()["items"][0]["name"] == "美团骑手之家"
    assert client.get(URL, headers=headers, query_string={"q": "美团"}).get_json()["total"] == 1
    assert client.get(URL, headers=headers, query_string={"q": "JS-2"}).get_json()["total"] == 1
    city = client.get(URL, headers=staff("city_admin"),
                      query_string={"org_id": org_id(app, "EQ")}).get_json()
    assert [i["external_code"] for i in city["items"]] == ["EQ-1"]
    assert_error(client.get(URL, headers=headers, query_string={"org_id": org_id(app, "EQ")}),
                 404)
