"""Scan, fill one form, become a member: the mini-program side of joining."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models.members import JoinApplication, Member
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, apply, form, id_number, make_code


@pytest.fixture
def elm_code(client, staff, app):
    """A join code of 饿了么 (reviewed by staff) made by the platform federation."""
    return make_code(client, staff("xyt_reviewer"), org_id(app, "ZZ-ELM"))


def test_scan_apply_pending_approve_then_card(app, client, member, staff, elm_code):
    scanned = client.get(f"/api/v1/join/scenes/{elm_code['scene']}")
    assert scanned.status_code == 200
    assert scanned.get_json()["org"]["name"] == "饿了么郑州配送站联合工会"
    assert scanned.get_json()["accepts_members"] is True
    rider = member("rider")
    created = applied(client, rider, form({"scene": elm_code["scene"]}))
    assert created["status"] == "pending" and created["member_no"] is None
    assert created["org"]["id"] == org_id(app, "ZZ-ELM")
    assert_error(client.get("/api/v1/me/card", headers=rider), 404, "not_member")
    assert client.get("/api/v1/me", headers=rider).get_json()["membership"] is None

    decision = client.post(f"/api/v1/admin/join/applications/{created['id']}/approve",
                           headers=staff("xyt_reviewer"))
    assert decision.status_code == 200
    member_no = decision.get_json()["member_no"]
    assert decision.get_json()["status"] == "approved"
    assert member_no.startswith("410103-")  # the district of 饿了么's union

    card = client.get("/api/v1/me/card", headers=rider).get_json()
    assert card["member_no"] == member_no and card["name"] == "张四"
    assert card["org_name"] == "饿了么郑州配送站联合工会" and card["verify_code"]
    membership = client.get("/api/v1/me", headers=rider).get_json()["membership"]
    assert membership["member_no"] == member_no and membership["status"] == "active"
    assert membership["org"]["district_code"] == "410103"
    mine = client.get("/api/v1/join/applications", headers=rider).get_json()
    assert mine["total"] == 1 and mine["items"][0]["member_no"] == member_no


def test_auto_approving_org_makes_the_member_at_once(app, client, member):
    meituan = org_id(app, "ZZ-MT")
    created = applied(client, member("fast"), form({"org_id": meituan}))
    assert created["status"] == "approved" and created["member_no"]
    login = client.post("/api/v1/auth/wechat-login", json={"code": "user-fast-99"}).get_json()
    assert login["user"]["is_member"] is True
    with app.app_context():
        person = db.session.scalar(sa.select(Member))
        assert person.org_id == meituan and person.gender == "male"
        assert person.birth_date == date(1990, 3, 7)


def test_scan_counts_and_unknown_or_disabled_scene(client, staff, elm_code):
    for _ in range(3):
        assert client.get(f"/api/v1/join/scenes/{elm_code['scene']}").status_code == 200
    assert_error(client.get("/api/v1/join/scenes/nope123"), 404, "scene_not_found")
    assert_error(client.get("/api/v1/join/scenes/%E4%B8%AD"), 404, "scene_not_found")
    client.patch(f"/api/v1/admin/join-codes/{elm_code['id']}", json={"enabled": False},
                 headers=staff("xyt_reviewer"))
    assert_error(client.get(f"/api/v1/join/scenes/{elm_code['scene']}"), 404, "scene_not_found")


@pytest.mark.parametrize(("field", "value", "error"), [
    ("id_number", id_number(1)[:17] + ("0" if id_number(1)[17] != "0" else "1"),
     "id_number_checksum"),
    ("id_number", id_number(1, birth=date.today() + timedelta(days=400)),
     "id_number_birth_date"),
    ("id_number", id_number(1, birth=date.today() - timedelta(days=15 * 365)),
     "id_number_underage"),
    ("id_number", "41010519900230123X", "id_number_birth_date"),
    ("id_number", id_number(1, area="990105"), "id_number_area"),
    ("id_number", "4101051990", "id_number_format"),
    ("phone", "12912345678", "phone_invalid"),
])
def test_invalid_identity_is_422_naming_the_field(app, client, member, field, value, error):
    body = assert_error(apply(client, member("x"), form({"org_id": org_id(app, "ZZ-ELM")},
                                                       **{field: value})), 422, error)
    assert list(body["errors"]["json"]) == [field]
    assert "请" in body["message"] or "不能" in body["message"] or "应为" in body["message"]


def test_form_errors_are_in_chinese_and_name_the_field(app, client, member):
    target = {"org_id": org_id(app, "ZZ-ELM")}
    body = assert_error(apply(client, member("y"), form(target, name=None)), 422)
    assert body["message"] == "姓名为必填项"
    body = assert_error(apply(client, member("y"), form(target, name="张3<b>")), 422)
    assert body["message"].startswith("姓名只能包含汉字") and "name" in body["errors"]["json"]
    applied(client, member("uyghur"), form(target, name="买买提·吐尔逊", seq=9))
    body = assert_error(apply(client, member("y"), form(target, occupation="astronaut")), 422)
    assert body["message"] == "职业不在可选范围内，请重新选择"
    body = assert_error(apply(client, member("y"), form({}, org_id=None)), 422)
    assert "scene" in body["errors"]["json"] and "入会码" in body["message"]
    body = assert_error(apply(client, member("y"), form({"scene": "gone-code"})), 422,
                        "scene_not_found")
    assert "scene" in body["errors"]["json"]


def test_the_age_check_counts_from_the_pinned_business_date(app, client, member):
    """The sixteenth birthday decides on the business date the clock gives (FIXED_TODAY)."""
    body = form({"org_id": org_id(app, "ZZ-ELM")}, id_number=id_number(1, birth=date(2000, 6, 1)))
    app.config["FIXED_TODAY"] = "2016-05-31"
    assert_error(apply(client, member("teen"), body), 422, "id_number_underage")
    app.config["FIXED_TODAY"] = "2016-06-01"
    assert applied(client, member("teen"), body)["status"] == "pending"


def test_lowercase_x_and_spaces_are_accepted_and_stored_uppercase(app, client, member):
    number = next(id_number(seq) for seq in range(1, 200) if id_number(seq).endswith("X"))
    created = applied(client, member("xman"),
                      form({"org_id": org_id(app, "ZZ-ELM")}, id_number=number.lower(),
                           phone="139 0000 1111"))
    with app.app_context():
        application = db.session.get(JoinApplication, created["id"])
        assert application.id_number == number and application.phone == "13900001111"


def test_same_person_twice_is_409(app, client, member):
    target = {"org_id": org_id(app, "ZZ-ELM")}
    applied(client, member("one"), form(target))
    body = assert_error(apply(client, member("one"), form(target)), 409, "application_pending")
    assert "审核" in body["message"]
    # The account is bound to its first person: another ID number is refused outright.
    assert_error(apply(client, member("one"), form(target, seq=2)), 409,
                 "account_bound_to_other_person")


def test_member_of_a_applying_at_b_is_pointed_to_transfer(app, client, member):
    applied(client, member("m1"), form({"org_id": org_id(app, "ZZ-MT")}))
    body = assert_error(apply(client, member("m1"), form({"org_id": org_id(app, "ZZ-ELM")})),
                        409, "already_member")
    assert "美团外卖郑州骑手工会" in body["message"] and "会籍转移" in body["message"]
    again = assert_error(apply(client, member("m1"), form({"org_id": org_id(app, "ZZ-MT")})),
                         409, "already_member")
    assert "无需重复申请" in again["message"]


def test_rejected_applicant_may_resubmit(app, client, member, staff):
    target = {"org_id": org_id(app, "ZZ-ELM")}
    first = applied(client, member("again"), form(target))
    rejected = client.post(f"/api/v1/admin/join/applications/{first['id']}/reject",
                           json={"reason": "工作单位填写不完整"}, headers=staff("xyt_reviewer"))
    assert rejected.get_json()["status"] == "rejected"
    mine = client.get("/api/v1/join/applications", headers=member("again")).get_json()
    assert mine["items"][0]["reject_reason"] == "工作单位填写不完整"
    second = applied(client, member("again"), form(target, employer="饿了么二七站"))
    assert second["status"] == "pending" and second["id"] != first["id"]


def test_org_not_accepting_members_is_403(app, client, member, staff):
    org = org_id(app, "ZZ-DD")
    client.patch(f"/api/v1/admin/orgs/{org}", json={"accepts_members": False},
                 headers=staff("city_admin"))
    assert_error(apply(client, member("z"), form({"org_id": org})), 403, "org_not_accepting")
    assert_error(apply(client, member("z"), form({"org_id": 999999})), 422, "org_not_found")


def test_staff_token_cannot_apply_and_nothing_is_stored_in_clear(app, client, member, staff):
    assert_error(apply(client, staff("xyt_reviewer"), form({"org_id": 1})), 403, "member_only")
    applied(client, member("clear"), form({"org_id": org_id(app, "ZZ-MT")}))
    with app.app_context():
        rows = db.session.execute(sa.text("SELECT * FROM join_applications")).fetchall()
        rows += db.session.execute(sa.text("SELECT * FROM members")).fetchall()
    assert id_number(1) not in repr(rows) and "13900000001" not in repr(rows)


def test_submissions_are_rate_limited_per_account(app, settings, wechat_fake):
    from service import create_app
    from tests.helpers import MemberLogin

    settings.update(RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="2 per minute")
    client = create_app(settings).test_client()
    member = MemberLogin(client)
    target = {"org_id": org_id(app, "ZZ-ELM")}
    statuses = [apply(client, member("busy"), form(target, seq=seq)).status_code
                for seq in (1, 2, 3)]
    assert statuses == [201, 409, 429]
    assert client.get("/api/v1/join/applications", headers=member("busy")).status_code == 200
    assert apply(client, member("calm"), form(target, seq=4)).status_code == 201
