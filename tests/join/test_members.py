"""The member roster: masked lists, transfers with history, card checks."""

import sqlalchemy as sa

from service.extensions import db
from service.models.audit import AuditEntry
from service.models.members import Member, MemberTransfer
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, form, id_number

MEMBERS = "/api/v1/admin/members"


def make_member(app, client, member, who: str, org_code: str = "ZZ-MT", seq: int = 1,
                staff=None, **changes) -> int:
    """A member of an auto-approving org, or of another one approved by the city admin."""
    created = applied(client, member(who), form({"org_id": org_id(app, org_code)}, seq=seq,
                                                **changes))
    if created["status"] == "pending":
        client.post(f"/api/v1/admin/join/applications/{created['id']}/approve",
                    headers=staff("city_admin"))
    with app.app_context():
        return db.session.scalar(sa.select(Member.id).order_by(Member.id.desc()))


def test_list_is_scoped_masked_and_searchable(app, client, member, staff):
    make_member(app, client, member, "a", seq=1, name="王小二")
    make_member(app, client, member, "b", seq=2, name="赵六", phone="13600000002")
    headers = staff("xyt_reviewer")
    listed = client.get(MEMBERS, headers=headers).get_json()
    assert listed["total"] == 2
    item = listed["items"][1]
    assert item["name"] == "王小二" and item["phone"] == "139****0001"
    assert item["id_number"].startswith("410") and "*" in item["id_number"]
    assert item["member_no"].startswith("410105-")
    found = client.get(MEMBERS, query_string={"q": "13600000002"}, headers=headers).get_json()
    assert [i["name"] for i in found["items"]] == ["赵六"]
    found = client.get(MEMBERS, query_string={"q": id_number(1).lower()},
                       headers=headers).get_json()
    assert [i["name"] for i in found["items"]] == ["王小二"]
    found = client.get(MEMBERS, query_string={"q": "王"}, headers=headers).get_json()
    assert found["total"] == 1
    assert client.get(MEMBERS, headers=staff("jinshui_reviewer")).get_json()["total"] == 0


def test_transfer_moves_the_member_and_keeps_history(app, client, member, staff):
    member_id = make_member(app, client, member, "t")
    elm = org_id(app, "ZZ-ELM")
    headers = staff("xyt_reviewer")
    moved = client.post(f"{MEMBERS}/{member_id}/transfer",
                        json={"to_org_id": elm, "reason": "调入饿了么配送站"}, headers=headers)
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert body["org"]["id"] == elm
    assert [(t["from_org"]["name"], t["to_org"]["name"], t["reason"]) for t in body["transfers"]] \
        == [("美团外卖郑州骑手工会", "饿了么郑州配送站联合工会", "调入饿了么配送站")]
    card = client.get("/api/v1/me/card", headers=member("t")).get_json()
    assert card["org_name"] == "饿了么郑州配送站联合工会"
    assert_error(client.post(f"{MEMBERS}/{member_id}/transfer",
                             json={"to_org_id": elm, "reason": "再转"}, headers=headers),
                 409, "same_org")
    detail = client.get(f"{MEMBERS}/{member_id}", headers=headers).get_json()
    assert len(detail["transfers"]) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MemberTransfer)) == 1
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.action == "member.transfer"))
        assert entry.reason == "调入饿了么配送站" and entry.object_id == str(member_id)


def test_transfer_between_districts_needs_a_common_ancestor(app, client, member, staff):
    member_id = make_member(app, client, member, "d", org_code="JS-XW", staff=staff)
    erqi = org_id(app, "EQ-HT")
    assert_error(client.post(f"{MEMBERS}/{member_id}/transfer",
                             json={"to_org_id": erqi, "reason": "换工作"},
                             headers=staff("jinshui_reviewer")), 403, "out_of_scope")
    assert_error(client.post(f"{MEMBERS}/{member_id}/transfer",
                             json={"to_org_id": org_id(app, "JS-XW"), "reason": "换工作"},
                             headers=staff("xyt_reviewer")), 403, "out_of_scope")
    body = assert_error(client.post(f"{MEMBERS}/{member_id}/transfer", json={"to_org_id": erqi},
                                    headers=staff("city_admin")), 422)
    assert body["message"] == "原因为必填项"
    moved = client.post(f"{MEMBERS}/{member_id}/transfer",
                        json={"to_org_id": erqi, "reason": "换工作"}, headers=staff("city_admin"))
    assert moved.status_code == 200 and moved.get_json()["org"]["id"] == erqi


def test_card_code_is_checked_by_staff(app, client, member, staff):
    make_member(app, client, member, "card", name="孙悟空")
    code = client.get("/api/v1/me/card", headers=member("card")).get_json()["verify_code"]
    checked = client.post(f"{MEMBERS}/verify-card", json={"verify_code": code},
                          headers=staff("jinshui_stations"))
    assert checked.status_code == 200
    body = checked.get_json()
    assert body["name"] == "孙**" and body["status"] == "active"
    assert body["org"]["name"] == "美团外卖郑州骑手工会" and "id_number" not in body
    assert_error(client.post(f"{MEMBERS}/verify-card", json={"verify_code": code[:-3] + "abc"},
                             headers=staff("jinshui_stations")), 422, "verify_code_invalid")
    assert_error(client.post(f"{MEMBERS}/verify-card", json={"verify_code": code},
                             headers=member("card")), 403, "admin_only")
    app.config["CARD_CODE_TTL_SECONDS"] = -1
    body = assert_error(client.post(f"{MEMBERS}/verify-card", json={"verify_code": code},
                                    headers=staff("jinshui_stations")), 422,
                        "verify_code_expired")
    assert "verify_code" in body["errors"]["json"]
