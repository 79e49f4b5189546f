"""Figures by new-employment group, district and month; the join-code funnel (scans,
sign-ins after a scan, applications, approvals) over a date range."""

from datetime import timedelta

from service.core import clock
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, apply, form, make_code

GROUPS = "/api/v1/admin/stats/groups"
FUNNEL = "/api/v1/admin/stats/join-codes"
QUEUE = "/api/v1/admin/join/applications"


def test_groups_by_district_and_month(app, client, member, staff):
    mt, sf, jsxw = (org_id(app, code) for code in ("ZZ-MT", "ZZ-SF", "JS-XW"))
    applied(client, member("a"), form({"org_id": mt}, seq=1, occupation="food_delivery"))
    applied(client, member("b"), form({"org_id": mt}, seq=2, occupation="other_platform"))
    applied(client, member("c"), form({"org_id": sf}, seq=3, occupation="courier"))
    applied(client, member("d"), form({"org_id": jsxw}, seq=4, occupation="other"))

    body = client.get(GROUPS, headers=staff("city_admin")).get_json()
    month = f"{clock.now().astimezone(clock.SHANGHAI):%Y-%m}"
    assert body["months"][-1] == month and len(body["months"]) == 12
    rows = {(r["district_code"], r["group"]): (r["members"], r["held_members"],
                                               r["applications"]) for r in body["items"]}
    assert rows == {("410105", "food_delivery"): (1, 0, 1), ("410105", "others"): (1, 0, 2),
                    ("410104", "courier"): (0, 0, 1)}, "ZZ-MT auto-approves; others pending"
    assert {r["month"] for r in body["items"]} == {month}
    assert {r["label"] for r in body["items"]} >= {"外卖配送员", "其他职工"}

    jinshui = client.get(GROUPS, headers=staff("jinshui_admin")).get_json()
    assert [(r["group"], r["applications"]) for r in jinshui["items"]] == [("others", 1)]
    assert_error(client.get(GROUPS, query_string={"org_id": mt},
                            headers=staff("jinshui_admin")), 404)


def test_the_funnel_counts_scans_sign_ins_applications_and_approvals(app, client, member,
                                                                      staff):
    reviewer = staff("xyt_reviewer")
    code = make_code(client, reviewer, org_id(app, "ZZ-ELM"))
    other = make_code(client, reviewer, org_id(app, "ZZ-SF"), label="顺丰分拨中心")
    scene = code["scene"]
    for _ in range(3):
        assert client.get(f"/api/v1/join/scenes/{scene}").status_code == 200
    tokens = []
    for n, name in enumerate(["p", "q", "p"]):  # p signs in twice: one person
        response = client.post("/api/v1/auth/wechat-login",
                               json={"code": f"user-{name}-{n}", "scene": scene})
        assert response.status_code == 200, response.get_json()
        tokens.append({"Authorization": f"Bearer {response.get_json()['token']}"})
    assert client.post("/api/v1/auth/wechat-login",
                       json={"code": "user-r-9", "scene": "NoSuchScene1"}).status_code == 200
    first = applied(client, tokens[0], form({"scene": scene}, seq=5), verified=False)
    assert apply(client, tokens[1], form({"scene": scene}, seq=6)).status_code == 201
    assert client.post(f"{QUEUE}/{first['id']}/approve", headers=reviewer).status_code == 200

    today = clock.now().astimezone(clock.SHANGHAI).date()
    window = {"since": (today - timedelta(days=1)).isoformat(), "until": today.isoformat()}
    body = client.get(FUNNEL, query_string=window, headers=staff("city_admin")).get_json()
    rows = {r["join_code"]["id"]: r for r in body["items"]}
    assert {k: rows[code["id"]][k] for k in ("scans", "logins_after_scan", "applications",
                                             "approvals")} == {
        "scans": 3, "logins_after_scan": 2, "applications": 2, "approvals": 1}
    assert (rows[other["id"]]["scans"], rows[other["id"]]["applications"]) == (0, 0)
    assert body["total"] == 2 and body["since"] == window["since"]

    before = {"since": "2020-01-01", "until": "2020-01-31"}
    past = client.get(FUNNEL, query_string=before, headers=staff("city_admin")).get_json()
    assert all(r["scans"] == r["applications"] == 0 for r in past["items"])
    backwards = client.get(FUNNEL, query_string={"since": "2024-02-01", "until": "2024-01-01"},
                           headers=staff("city_admin"))
    assert "since" in assert_error(backwards, 422, "range_invalid")["errors"]["query"]
    jinshui = client.get(FUNNEL, query_string=window, headers=staff("jinshui_admin")).get_json()
    assert jinshui["items"] == [] and jinshui["total"] == 0


def test_held_members_are_counted_apart(app, client, member, staff):
    mt = org_id(app, "ZZ-MT")
    applied(client, member("e"), form({"org_id": mt}, seq=7, occupation="food_delivery"))
    applied(client, member("f"), form({"org_id": mt}, seq=8, occupation="food_delivery"))
    held = client.post("/api/v1/me/holding", json={"reason": "left_work"}, headers=member("f"))
    assert held.status_code == 201, held.get_json()

    body = client.get(GROUPS, headers=staff("city_admin")).get_json()
    rows = {(r["district_code"], r["group"]): (r["members"], r["held_members"])
            for r in body["items"]}
    assert rows[("410105", "food_delivery")] == (1, 1)
