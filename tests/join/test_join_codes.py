"""Join codes: made once with WeChat, served from the database, scoped, counted."""

import sqlalchemy as sa

from service.extensions import db
from service.models.join_codes import JoinCode
from service.wechat.limits import SCENE_PATTERN
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, form, make_code

CODE_PATH = "/wxa/getwxacodeunlimit"


def test_code_image_is_fetched_once_and_served_from_the_database(app, client, staff,
                                                                 wechat_fake):
    headers = staff("jinshui_admin")
    code = make_code(client, headers, org_id(app, "JS-XW"), label="金水区集中入会活动")
    assert SCENE_PATTERN.fullmatch(code["scene"]) and code["label"] == "金水区集中入会活动"
    assert code["image_url"] == f"/api/v1/admin/join-codes/{code['id']}/image"
    for _ in range(3):
        image = client.get(code["image_url"], headers=headers)
        assert image.status_code == 200 and image.mimetype == "image/png"
        assert image.data.startswith(b"\x89PNG")
    assert wechat_fake.log()["counts"][CODE_PATH] == 1
    sent = [r for r in wechat_fake.log()["requests"] if r["path"] == CODE_PATH]
    assert len(sent) == 1


def test_wechat_down_leaves_no_code_behind(app, client, staff, wechat_fake):
    wechat_fake.fault(CODE_PATH, "http500")
    response = client.post(f"/api/v1/admin/orgs/{org_id(app, 'JS-XW')}/join-codes",
                           json={"label": "骑手驿站"}, headers=staff("jinshui_admin"))
    assert_error(response, 503, "wechat_unavailable")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(JoinCode)) == 0


def test_codes_are_scoped_to_the_staff_subtree(app, client, staff):
    erqi_union = org_id(app, "EQ-HT")
    response = client.post(f"/api/v1/admin/orgs/{erqi_union}/join-codes",
                           json={"label": "商贸企业"}, headers=staff("jinshui_reviewer"))
    assert_error(response, 403, "out_of_scope")
    code = make_code(client, staff("city_admin"), erqi_union, label="二七商贸")
    assert_error(client.get(code["image_url"], headers=staff("jinshui_reviewer")), 404)
    assert_error(client.patch(f"/api/v1/admin/join-codes/{code['id']}", json={"enabled": False},
                              headers=staff("jinshui_reviewer")), 403)
    assert_error(client.get(f"/api/v1/admin/orgs/{erqi_union}/join-codes",
                            headers=staff("jinshui_reviewer")), 404)
    assert_error(client.post(f"/api/v1/admin/orgs/{erqi_union}/join-codes",
                             json={"label": "x"}, headers=staff("jinshui_stations")), 403,
                 "role_required")
    assert_error(client.post(f"/api/v1/admin/orgs/{erqi_union}/join-codes", json={},
                             headers=staff("city_admin")), 422)


def test_list_counts_scans_applications_and_joins_per_code(app, client, staff, member):
    headers = staff("xyt_reviewer")
    meituan = org_id(app, "ZZ-MT")
    station = make_code(client, headers, meituan, label="美团金水站")
    event = make_code(client, headers, meituan, label="集中入会活动")
    for _ in range(2):
        client.get(f"/api/v1/join/scenes/{event['scene']}")
    for seq in (1, 2, 3):
        applied(client, member(f"r{seq}"), form({"scene": event["scene"]}, seq=seq))
    listed = client.get(f"/api/v1/admin/orgs/{meituan}/join-codes", headers=headers).get_json()
    assert listed["total"] == 2
    by_label = {item["label"]: item for item in listed["items"]}
    assert by_label["集中入会活动"]["scan_count"] == 2
    assert by_label["集中入会活动"]["application_count"] == 3
    assert by_label["集中入会活动"]["join_count"] == 3  # 美团 approves automatically
    assert by_label["美团金水站"]["scan_count"] == 0 and by_label["美团金水站"]["join_count"] == 0
    assert station["enabled"] is True


def test_disabled_code_refuses_applications_and_can_be_enabled_again(app, client, staff,
                                                                      member):
    headers = staff("xyt_reviewer")
    code = make_code(client, headers, org_id(app, "ZZ-ELM"))
    patched = client.patch(f"/api/v1/admin/join-codes/{code['id']}",
                           json={"enabled": False, "label": "已停用渠道"}, headers=headers)
    assert patched.get_json()["enabled"] is False and patched.get_json()["label"] == "已停用渠道"
    response = client.post("/api/v1/join/applications", headers=member("late"),
                           json=form({"scene": code["scene"]}))
    assert_error(response, 422, "scene_not_found")
    client.patch(f"/api/v1/admin/join-codes/{code['id']}", json={"enabled": True},
                 headers=headers)
    assert client.get(f"/api/v1/join/scenes/{code['scene']}").status_code == 200
