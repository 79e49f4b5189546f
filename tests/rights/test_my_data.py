"""A person sees everything held about them (their own numbers in full, audited) and
nothing of anyone else; they correct their phone through WeChat and their employer."""

from sqlalchemy import select

from service.extensions import db
from service.models.audit import AuditEntry
from service.models.members import JoinApplication, Member
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, form
from tests.rights.helpers import ALICE, give_alice_data

DATA = "/api/v1/me/data"


def test_my_data_holds_all_of_mine_and_nothing_of_others(app, client, member, staff,
                                                          add_station, refunds):
    mine = give_alice_data(app, client, member, staff, add_station, refunds)
    bob = form({"org_id": org_id(app, "ZZ-MT")}, seq=32, name="司马光", phone="13655559999",
               employer="鲍勃公司")
    applied(client, member("bob"), bob)
    client.post("/api/v1/refunds/enterprises", headers=member("bob"),
                json={**__import__("tests.refunds.helpers", fromlist=["x"]).enterprise_body(
                    contact_name="鲍勃", contact_phone="13655558888",
                    bank_account_no="6222020299998888777")})

    response = client.get(DATA, headers=member("alice"))
    assert response.status_code == 200, response.get_json()
    assert response.headers["Content-Disposition"].startswith("attachment")
    body = response.get_json()
    assert body["account"]["phone"] == ALICE["wechat_phone"]
    assert body["account"]["id_number"] == mine["id_number"]
    [application] = body["applications"]
    assert (application["name"], application["phone"], application["id_number"],
            application["employer"], application["status"], application["reject_reason"]) == (
        ALICE["name"], ALICE["phone"], mine["id_number"], ALICE["employer"], "rejected", "材料不全")
    assert [h["status"] for h in application["history"]] == ["submitted", "rejected"]
    assert body["exported_at"].endswith("+00:00") and application["created_at"][-6:] == "+00:00"
    assert application["consent_version"] and application["join_code"] == "饿了么二七站"
    assert body["membership"] is None and body["transfers"] == []
    assert [v["kind"] for v in body["join_code_visits"]] == ["scan"]
    assert [f["content"] for f in body["station_feedback"]] == [ALICE["feedback"]]
    [enterprise] = body["enterprises"]
    assert (enterprise["bank_account_no"], enterprise["contact_phone"]) == (
        ALICE["bank"], ALICE["contact_phone"])
    [refund] = body["refund_applications"]
    assert refund["status"] == "draft" and refund["history"][0]["to_status"] == "draft"
    assert body["disputes"] == [] and body["enterprise_claims"] == []
    text = response.get_data(as_text=True)
    for other in ("司马光", "13655559999", "鲍勃", "13655558888", "6222020299998888777",
                  bob["id_number"]):
        assert other not in text
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "personal_data.export"))
        assert entry.actor_kind == "member" and entry.object_id == str(body["account"]["id"])
        assert mine["id_number"] not in repr(entry.detail)


def test_a_member_sees_membership_and_transfers(app, client, member, staff):
    applied(client, member("carol"), form({"org_id": org_id(app, "ZZ-MT")}, seq=33))
    with app.app_context():
        member_id = db.session.scalar(select(Member.id))
    moved = client.post(f"/api/v1/admin/members/{member_id}/transfer", headers=staff("city_admin"),
                        json={"to_org_id": org_id(app, "ZZ-ELM"), "reason": "换了配送站"})
    assert moved.status_code == 200, moved.get_json()
    body = client.get(DATA, headers=member("carol")).get_json()
    assert body["membership"]["status"] == "active"
    assert body["membership"]["org"]["name"] == "饿了么郑州配送站联合工会"
    assert [(t["from_org"]["name"], t["reason"]) for t in body["transfers"]] == [
        ("美团外卖郑州骑手工会", "换了配送站")]


def test_correcting_phone_through_wechat_and_employer(app, client, member):
    headers = member("dave")
    applied(client, headers, form({"org_id": org_id(app, "ZZ-MT")}, seq=34))
    response = client.patch("/api/v1/me/profile", headers=headers,
                            json={"phone_code": "phone-13700001111", "employer": "新公司"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"phone": "137****1111", "employer": "新公司"}
    with app.app_context():
        row = db.session.scalar(select(Member))
        assert (row.phone, row.employer) == ("13700001111", "新公司")
        assert db.session.scalar(select(JoinApplication.employer)) == "美团外卖"  # as decided
    bad = client.patch("/api/v1/me/profile", headers=headers, json={"phone_code": "invalid"})
    assert "phone_code" in assert_error(bad, 422, "phone_code_invalid")["errors"]["json"]
    too_long = client.patch("/api/v1/me/profile", headers=headers, json={"employer": "厂" * 101})
    assert "employer" in assert_error(too_long, 422)["errors"]["json"]


def test_correcting_the_employer_needs_something_to_correct(client, member):
    response = client.patch("/api/v1/me/profile", headers=member("erin"),
                            json={"employer": "某公司"})
    assert_error(response, 409, "nothing_to_correct")
