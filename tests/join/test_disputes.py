"""The claim path: a person whose ID number another account holds; the holding org decides."""

import sqlalchemy as sa

from service.extensions import db
from service.models.audit import AuditEntry
from service.models.members import JoinApplication, Member, MemberTransfer
from service.models.outbox import OutboxMessage
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, apply, form, id_number, verify_phone

DISPUTES = "/api/v1/admin/join/disputes"
REAL_NAME = "陈静"


def squatted(app, client, member, staff, holder_org="ZZ-MT") -> dict:
    """A squatter holds person 1 (a member of 美团 moved to 滴滴, or a pending applicant
    of `holder_org`); the real person claims it at 饿了么 with the verified phone."""
    squat = applied(client, member("squatter"), form({"org_id": org_id(app, holder_org)},
                                                     name="刘冒名", phone="13500000001"),
                    verified=False)
    if holder_org == "ZZ-MT":
        client.post(f"/api/v1/admin/join/applications/{squat['id']}/approve",
                    headers=staff("xyt_reviewer"))
        listed = client.get("/api/v1/admin/members", headers=staff("xyt_reviewer")).get_json()
        client.post(f"/api/v1/admin/members/{listed['items'][0]['id']}/transfer",
                    json={"to_org_id": org_id(app, "ZZ-DD"), "reason": "换平台"},
                    headers=staff("xyt_reviewer"))
    verify_phone(client, member("real"), "13900000001")
    claim = apply(client, member("real"), form({"org_id": org_id(app, "ZZ-ELM")},
                                               name=REAL_NAME))
    assert claim.status_code == 202, claim.get_json()
    [dispute] = client.get(DISPUTES, headers=staff("xyt_reviewer")).get_json()["items"]
    return {"squat": squat, "claim": claim.get_json(), "dispute": dispute}


def test_dispute_is_listed_for_the_holding_org_with_both_sides_masked(app, client, member,
                                                                      staff):
    case = squatted(app, client, member, staff)
    dispute = case["dispute"]
    assert dispute["status"] == "open"
    assert dispute["id_number"] == id_number(1)[:3] + "*" * 14 + id_number(1)[-1:]
    assert dispute["holder_org"]["name"] == "滴滴出行郑州司机工会"  # where the member is now
    claimant, holder = dispute["claimant"], dispute["holder"]
    assert claimant["name"] == REAL_NAME and claimant["phone"] == "139****0001"
    assert claimant["phone_verified"] is True and claimant["account_phone"] == "139****0001"
    assert claimant["application_id"] == case["claim"]["id"]
    assert claimant["org"]["name"] == "饿了么郑州配送站联合工会"
    assert holder["name"] == "刘冒名" and holder["phone"] == "135****0001"
    assert holder["phone_verified"] is False and holder["account_phone"] is None
    assert holder["member_no"] and holder["joined_at"] and holder["applied_at"]
    assert id_number(1) not in str(dispute) and "13900000001" not in str(dispute)
    detail = client.get(f"{DISPUTES}/{dispute['id']}", headers=staff("city_admin"))
    assert detail.get_json() == dispute
    queue = client.get("/api/v1/admin/join/applications", query_string={"status": "disputed"},
                       headers=staff("xyt_reviewer")).get_json()
    assert [item["id"] for item in queue["items"]] == [case["claim"]["id"]]


def test_staff_outside_the_holding_org_see_nothing_and_cannot_resolve(app, client, member,
                                                                     staff):
    dispute = squatted(app, client, member, staff)["dispute"]
    outsider = staff("jinshui_reviewer")
    assert client.get(DISPUTES, headers=outsider).get_json()["total"] == 0
    assert_error(client.get(f"{DISPUTES}/{dispute['id']}", headers=outsider), 404)
    assert_error(client.post(f"{DISPUTES}/{dispute['id']}/resolve", headers=outsider,
                             json={"decision": "move", "note": "已核实"}), 403, "out_of_scope")
    assert client.get(f"{DISPUTES}/{dispute['id']}",
                      headers=staff("xyt_reviewer")).get_json()["status"] == "open"


def test_move_gives_the_membership_to_the_claimant(app, client, member, staff):
    case = squatted(app, client, member, staff)
    before = client.get("/api/v1/me/card", headers=member("squatter")).get_json()
    resolve = f"{DISPUTES}/{case['dispute']['id']}/resolve"
    body = {"decision": "move", "note": "本人持身份证原件到场核实"}
    moved = client.post(resolve, json=body, headers=staff("xyt_reviewer"))
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["status"] == "moved"
    assert_error(client.post(resolve, json=body, headers=staff("city_admin")), 409,
                 "dispute_not_open")

    card = client.get("/api/v1/me/card", headers=member("real")).get_json()
    assert card["member_no"] == before["member_no"] and card["name"] == REAL_NAME
    assert card["joined_at"] == before["joined_at"]
    assert card["org_name"] == "滴滴出行郑州司机工会"
    assert_error(client.get("/api/v1/me/card", headers=member("squatter")), 404, "not_member")
    mine = client.get("/api/v1/join/applications", headers=member("real")).get_json()
    assert mine["items"][0]["status"] == "approved"
    assert mine["items"][0]["member_no"] == before["member_no"]
    squatter = client.get("/api/v1/join/applications", headers=member("squatter")).get_json()
    assert squatter["items"][0]["status"] == "rejected"
    assert squatter["items"][0]["member_no"] is None
    with app.app_context():
        person = db.session.scalar(sa.select(Member))
        assert person.phone == "13900000001" and person.name == REAL_NAME
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MemberTransfer)) == 1
        notice = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert notice[-1].data["phrase2"] == "通过"
        assert notice[-1].user_id == person.user_id
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.action == "join.dispute_move"))
        assert entry.actor_name == "xyt_reviewer" and entry.reason == body["note"]
    # The squatter's account is free of the person; the real one stays bound to it.
    assert applied(client, member("squatter"), form({"org_id": org_id(app, "ZZ-ELM")}, seq=5))
    assert_error(apply(client, member("real"), form({"org_id": org_id(app, "ZZ-ELM")}, seq=6)),
                 409, "account_bound_to_other_person")


def test_move_of_a_pending_application_makes_the_claim_pending(app, client, member, staff):
    case = squatted(app, client, member, staff, holder_org="ZZ-ELM")
    moved = client.post(f"{DISPUTES}/{case['dispute']['id']}/resolve", headers=staff(
        "xyt_reviewer"), json={"decision": "move", "note": "核实为本人"})
    assert moved.status_code == 200, moved.get_json()
    with app.app_context():
        claim = db.session.get(JoinApplication, case["claim"]["id"])
        squat = db.session.get(JoinApplication, case["squat"]["id"])
        assert claim.status == "pending" and squat.status == "rejected"
        notice = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert notice[-1].data["phrase2"] == "核实通过" and notice[-1].user_id == claim.user_id
    approved = client.post(f"/api/v1/admin/join/applications/{case['claim']['id']}/approve",
                           headers=staff("xyt_reviewer"))
    assert approved.status_code == 200
    assert client.get("/api/v1/me/card", headers=member("real")).get_json()["name"] == REAL_NAME


def test_reject_closes_the_claim_and_tells_the_claimant(app, client, member, staff):
    case = squatted(app, client, member, staff)
    resolve = f"{DISPUTES}/{case['dispute']['id']}/resolve"
    assert_error(client.post(resolve, json={"decision": "keep", "note": "x"},
                             headers=staff("xyt_reviewer")), 422)
    rejected = client.post(resolve, json={"decision": "reject", "note": "未能提供身份证件"},
                           headers=staff("xyt_reviewer"))
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    assert rejected.get_json()["note"] == "未能提供身份证件"
    mine = client.get("/api/v1/join/applications", headers=member("real")).get_json()
    assert mine["items"][0]["status"] == "rejected" and mine["items"][0]["reject_reason"]
    assert client.get("/api/v1/me/card", headers=member("squatter")).status_code == 200
    with app.app_context():
        notice = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert notice[-1].data["phrase2"] == "未通过"
        assert db.session.scalar(sa.select(AuditEntry.id).where(
            AuditEntry.action == "join.dispute_reject"))
