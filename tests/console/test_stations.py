"""驿站与母婴室 through the console's forms: list, map, the form and its hours, scope, import."""

import io
import re

from openpyxl import Workbook
from sqlalchemy import select

from service.extensions import db
from service.models.audit import AuditEntry
from service.models.orgs import Org
from service.models.stations import Station
from tests.console.helpers import csrf_token, post_form, sign_in, text

FORM = {"name": "花园路环卫驿站", "kind": "love_station", "external_code": "JS-0001",
        "address": "郑州市金水区花园路88号", "lat": "34.7869", "lng": "113.6705",
        "phone": "0371-65550001", "services": ["water", "charging"], "is_public": "1",
        "hours_mon": "08:00-18:00", "hours_fri": "22:00-06:00"}


def org_id(app, code):
    with app.app_context():
        return db.session.scalar(select(Org.id).where(Org.code == code))


def add_station(app, org_code="JS", **fields):
    from service.stations.values import apply_station

    with app.app_context():
        org = db.session.scalar(select(Org).where(Org.code == org_code))
        station = apply_station(Station(org=org), {
            "kind": "love_station", "name": f"{org.name}驿站", "lat": 34.75, "lng": 113.62,
            "hours": {"always_open": True}, "address": "", "services": [], "photos": [],
            "status": "open", "is_public": True, "is_model": False, "phone": None,
            "external_code": None, **fields}, creating=True)
        db.session.add(station)
        db.session.commit()
        return station.id


def test_a_station_is_created_with_hours_across_midnight(client, app):
    sign_in(client, "jinshui_stations")
    response = post_form(client, "/console/stations/new",
                         {**FORM, "org_id": org_id(app, "JS")})
    assert response.status_code == 302, text(response)
    with app.app_context():
        station = db.session.scalar(select(Station))
        assert station.hours["weekly"]["mon"] == [["08:00", "18:00"]]
        assert station.hours["weekly"]["fri"] == [["22:00", "06:00"]]
        assert station.services == ["water", "charging"]
        assert db.session.scalar(select(AuditEntry.actor_name)
                                 .where(AuditEntry.action == "station.create")) \
            == "jinshui_stations"
    page = text(client.get(response.headers["Location"]))
    assert 'value="22:00-06:00"' in page
    listing = text(client.get("/console/stations"))
    assert "花园路环卫驿站" in listing and "<circle" in listing


def test_bad_hours_are_named_and_what_was_typed_is_kept(client, app):
    sign_in(client, "jinshui_stations")
    bad = post_form(client, "/console/stations/new",
                    {**FORM, "hours_tue": "9点到5点"}, form_page="/console/stations/new")
    assert bad.status_code == 422
    page = text(bad)
    assert "周二的时间段“9点到5点”格式不正确" in page
    assert 'value="花园路环卫驿站"' in page and 'value="9点到5点"' in page
    overlap = post_form(client, "/console/stations/new",
                        {**FORM, "hours_mon": "08:00-18:00, 17:00-19:00"},
                        form_page="/console/stations/new")
    assert overlap.status_code == 422 and "重叠" in text(overlap)
    with app.app_context():
        assert db.session.scalar(select(Station)) is None


def test_a_mother_baby_room_keeps_its_facilities(client, app):
    sign_in(client, "jinshui_stations")
    response = post_form(client, "/console/stations/new", {
        **FORM, "kind": "mother_baby_room", "external_code": "JS-MB1", "fac_area_m2": "12.5",
        "fac_nursing_seats": "2", "fac_fridge": "1", "fac_sofa": "1"})
    assert response.status_code == 302, text(response)
    with app.app_context():
        facilities = db.session.scalar(select(Station)).facilities
        assert facilities["area_m2"] == 12.5 and facilities["nursing_seats"] == 2
        assert facilities["fridge"] is True and facilities["crib"] is False


def test_suspend_and_close(client, app):
    station_id = add_station(app)
    sign_in(client, "jinshui_stations")
    page = f"/console/stations/{station_id}"
    post_form(client, page + "/status", {"action": "suspend"}, form_page=page)
    with app.app_context():
        assert db.session.get(Station, station_id).status == "suspended"
    post_form(client, page + "/status", {"action": "close"}, form_page=page)
    with app.app_context():
        assert db.session.get(Station, station_id).status == "closed"


def test_another_districts_station_is_not_found_and_cannot_be_changed(client, app):
    other = add_station(app, "EQ")
    sign_in(client, "jinshui_stations")
    assert client.get(f"/console/stations/{other}").status_code == 404
    token = csrf_token(client, "/console/stations")
    refused = client.post(f"/console/stations/{other}/status",
                          data={"csrf_token": token, "action": "close"})
    assert refused.status_code == 403
    assert "二七区总工会驿站" not in text(client.get("/console/stations"))
    with app.app_context():
        assert db.session.get(Station, other).status == "open"


def test_wrong_role_gets_403_and_posts_need_the_token(client, app):
    sign_in(client, "jinshui_reviewer")
    assert client.get("/console/stations").status_code == 403
    assert "没有此操作的权限" in text(client.get("/console/stations/import"))
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    sign_in(client, "jinshui_stations")
    no_token = client.post("/console/stations/new", data=FORM)
    assert no_token.status_code == 403 and "安全校验未通过" in text(no_token)
    with app.app_context():
        assert db.session.scalar(select(Station)) is None


def ledger(rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(["编号", "站点名称", "类型", "经度", "纬度", "开放时间"])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_reports_the_bad_row_and_saves_the_good(client, app):
    sign_in(client, "jinshui_stations")
    data = ledger([["JS-1", "农业路驿站", "爱心驿站", "113.66", "34.78", "24小时"],
                   ["JS-2", "坏纬度驿站", "爱心驿站", "113.66", "北纬", "24小时"]])
    token = csrf_token(client, "/console/stations/import")
    response = client.post("/console/stations/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(data), "台账.xlsx")})
    assert response.status_code == 200
    page = text(response)
    assert "新建 1 个站点" in page and "第3行" in page and "纬度" in page
    with app.app_context():
        assert [s.external_code for s in db.session.scalars(select(Station))] == ["JS-1"]
    empty = client.post("/console/stations/import", content_type="multipart/form-data",
                        data={"csrf_token": token})
    assert empty.status_code == 422 and "请选择要导入的台账文件" in text(empty)


def test_the_template_downloads(client):
    sign_in(client, "jinshui_stations")
    response = client.get("/console/stations/import-template")
    assert response.status_code == 200
    assert response.data.startswith(b"PK")


def test_the_map_draws_without_tiles_and_allows_only_the_configured_tile_host(client, app):
    add_station(app, name="东站", lat=34.75, lng=113.70)
    add_station(app, name="西站", lat=34.76, lng=113.60)
    sign_in(client, "jinshui_stations")
    plain = client.get("/console/stations")
    assert text(plain).count("<circle") == 2 and "<image" not in text(plain)
    spots = [(float(x), float(y)) for x, y in
             re.findall(r'<circle[^>]* cx="([\d.]+)" cy="([\d.]+)"', text(plain))]
    assert all(0 < x < 640 and 0 < y < 420 for x, y in spots)
    assert spots[0][0] < spots[1][0]  # west of the other: the newest (西站) drawn first
    assert "img-src 'self' data:;" in plain.headers["Content-Security-Policy"]
    app.config["CONSOLE_MAP_TILES"] = "https://tiles.example.test/{z}/{x}/{y}.png"
    tiled = client.get("/console/stations")
    assert text(tiled).count("<circle") == 2
    assert 'href="https://tiles.example.test/' in text(tiled)
    assert "img-src 'self' data: https://tiles.example.test;" in \
        tiled.headers["Content-Security-Policy"]
    app.config["CONSOLE_MAP_TILES"] = "http://insecure.example.test/{z}/{x}/{y}.png"
    assert "insecure" not in text(client.get("/console/stations"))


def add_feedback(app, station_id, content, status="visible"):
    from service.models.accounts import User
    from service.models.station_feedback import StationFeedback

    with app.app_context():
        user = User(openid=f"feedback-{content}")
        db.session.add(user)
        db.session.flush()
        feedback = StationFeedback(station_id=station_id, user_id=user.id, type="wrong_info",
                                   content=content, status=status,
                                   moderation="pass" if status == "visible" else "review")
        db.session.add(feedback)
        db.session.commit()
        return feedback.id


def test_feedback_is_triaged_in_scope_and_a_second_resolve_is_told(client, app):
    from service.models.station_feedback import StationFeedback

    own = add_feedback(app, add_station(app), "电话打不通")
    held = add_feedback(app, add_station(app, name="第二站"), "待复核的内容", "held")
    other = add_feedback(app, add_station(app, "EQ"), "二七区的反馈")
    sign_in(client, "jinshui_stations")
    page = text(client.get("/console/stations/feedback"))
    assert "电话打不通" in page and "【待复核】" in page and "二七区的反馈" not in page
    token = csrf_token(client, "/console/stations/feedback")
    done = client.post(f"/console/stations/feedback/{own}/resolve",
                       data={"csrf_token": token, "note": "已更新电话"})
    assert done.status_code == 302
    again = client.post(f"/console/stations/feedback/{own}/resolve",
                        data={"csrf_token": token, "note": "再次"}, follow_redirects=True)
    assert "该反馈已处理" in text(again)
    assert client.post(f"/console/stations/feedback/{other}/resolve",
                       data={"csrf_token": token}).status_code == 403
    with app.app_context():
        resolved = db.session.get(StationFeedback, own)
        assert (resolved.status, resolved.resolution_note) == ("resolved", "已更新电话")
        assert db.session.get(StationFeedback, other).status == "visible"
        assert db.session.get(StationFeedback, held).status == "held"


def test_a_bad_filter_is_named_in_the_page(client):
    sign_in(client, "jinshui_stations")
    response = client.get("/console/stations?kind=bogus&q=花园")
    assert response.status_code == 422
    page = text(response)
    assert 'id="form-error"' in page and 'value="花园"' in page
    assert 'id="kind" name="kind" aria-invalid="true"' in page
