"""Member feedback, checked by WeChat before staff see it; staff triage in their subtree."""

from sqlalchemy import func, select

from service import create_app
from service.extensions import db
from service.models.station_feedback import StationFeedback
from tests.helpers import MemberLogin, assert_error

ADMIN_URL = "/api/v1/admin/stations/feedback"


def url(station_id):
    return f"/api/v1/stations/{station_id}/feedback"


def test_passed_feedback_is_visible_to_staff(client, member, staff, add_station, wechat_fake):
    station = add_station("花园路驿站")
    response = client.post(url(station), headers=member("alice"),
                           json={"type": "wrong_location", "content": "驿站已经搬到路对面了"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["status"], body["moderation"], body["type"]) == ("visible", "pass",
                                                                  "wrong_location")
    checks = [r for r in wechat_fake.log()["requests"] if r["path"] == "/wxa/msg_sec_check"]
    assert len(checks) == 1
    listed = client.get(ADMIN_URL, headers=staff("jinshui_stations")).get_json()
    assert [(i["content"], i["station_name"]) for i in listed["items"]] == [
        ("驿站已经搬到路对面了", "花园路驿站")]


def test_risky_and_review_text_is_held(client, member, staff, add_station):
    station = add_station()
    risky = client.post(url(station), headers=member("bob"),
                        json={"type": "other", "content": "这里有人赌博"}).get_json()
    review = client.post(url(station), headers=member("bob"),
                         json={"type": "praise", "content": "fake-review 很好"}).get_json()
    assert (risky["status"], risky["moderation"]) == ("held", "risky")
    assert (review["status"], review["moderation"]) == ("held", "review")
    held = client.get(ADMIN_URL, headers=staff("jinshui_stations"),
                      query_string={"status": "held"}).get_json()
    assert held["total"] == 2
    visible = client.get(ADMIN_URL, headers=staff("jinshui_stations"),
                         query_string={"status": "visible"}).get_json()
    assert visible["total"] == 0


def test_wechat_down_is_503_and_nothing_is_stored(app, client, member, add_station,
                                                  wechat_fake):
    station = add_station()
    headers = member("carol")
    wechat_fake.fault("/wxa/msg_sec_check", "http500")
    assert_error(client.post(url(station), headers=headers,
                             json={"type": "closed", "content": "关门了"}), 503,
                 "wechat_unavailable")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StationFeedback)) == 0


def test_feedback_needs_a_member_a_visible_station_and_valid_fields(client, member, staff,
                                                                    add_station):
    station = add_station()
    private = add_station("内部母婴室", kind="mother_baby_room", is_public=False)
    body = {"type": "closed", "content": "关门了"}
    assert_error(client.post(url(station), json=body), 401)
    assert_error(client.post(url(station), headers=staff("jinshui_stations"), json=body), 403)
    assert_error(client.post(url(private), headers=member("dave"), json=body), 404)
    assert_error(client.post(url(999999), headers=member("dave"), json=body), 404)
    error = assert_error(client.post(url(station), headers=member("dave"),
                                     json={"type": "spam", "content": "x"}), 422)
    assert "type" in error["errors"]["json"]
    error = assert_error(client.post(url(station), headers=member("dave"),
                                     json={"type": "closed", "content": "x" * 501}), 422)
    assert error["message"] == "内容长度应在1到500之间"


def test_staff_see_their_subtree_and_resolve_once(app, client, member, staff, add_station):
    mine = add_station("金水驿站")
    theirs = add_station("二七驿站", org="EQ")
    for station in (mine, theirs):
        client.post(url(station), headers=member("erin"), json={"type": "praise",
                                                                "content": "服务很好"})
    headers = staff("jinshui_stations")
    listed = client.get(ADMIN_URL, headers=headers).get_json()
    assert [i["station_name"] for i in listed["items"]] == ["金水驿站"]
    assert client.get(ADMIN_URL, headers=staff("city_admin")).get_json()["total"] == 2
    own = listed["items"][0]["id"]
    with app.app_context():
        other = db.session.scalar(select(StationFeedback.id)
                                  .where(StationFeedback.station_id == theirs))
    resolved = client.post(f"{ADMIN_URL}/{own}/resolve", headers=headers,
                           json={"note": "已电话回访"})
    assert resolved.status_code == 200, resolved.get_json()
    assert resolved.get_json()["status"] == "resolved"
    assert resolved.get_json()["resolution_note"] == "已电话回访"
    assert_error(client.post(f"{ADMIN_URL}/{own}/resolve", headers=headers, json={}), 409,
                 "feedback_resolved")
    assert_error(client.post(f"{ADMIN_URL}/{other}/resolve", headers=headers, json={}), 403)
    assert_error(client.get(ADMIN_URL, headers=staff("jinshui_reviewer")), 403)


def test_feedback_is_rate_limited_per_address(settings, add_station):
    settings.update(RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="2 per minute")
    app = create_app(settings)
    client = app.test_client()
    station = add_station()
    headers = MemberLogin(client)("frank")
    statuses = [client.post(url(station), headers=headers,
                            json={"type": "praise", "content": "好"}).status_code
                for _ in range(3)]
    assert statuses == [201, 201, 429]
