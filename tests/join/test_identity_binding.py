"""One account, one person; a held ID number tells nothing; auto-approval needs the
WeChat-verified phone (issue 14, item 3)."""

import sqlalchemy as sa

from service.extensions import db
from service.models.audit import AuditEntry
from service.models.members import JoinApplication, Member
from service.models.orgs import Org
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, apply, form, verify_phone

QUEUE = "/api/v1/admin/join/applications"


def _org_names(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Org.name)))


def _names_nothing(app, response, *people: str, applied_to: str | None = None) -> None:
    """No org (but the one the caller applied to, echoed back) and no person is named."""
    text = response.get_data(as_text=True)
    named = [name for name in _org_names(app) if name in text and name != applied_to]
    assert not named, text
    assert not [person for person in people if person in text], text


def test_an_id_held_by_another_account_names_no_union_and_no_person(app, client, member):
    applied(client, member("holder"), form({"org_id": org_id(app, "ZZ-MT")}, name="李秀英"))
    applied(client, member("waiting"), form({"org_id": org_id(app, "ZZ-ELM")}, seq=2,
                                            name="王建国"))
    for seq, holder in ((1, "李秀英"), (2, "王建国")):  # a member; a pending applicant
        stranger = member(f"stranger{seq}")
        body = form({"org_id": org_id(app, "JS-XW")}, seq=seq, name="赵敏")
        first = client.post("/api/v1/join/applications", json=body, headers={
            **stranger, "Idempotency-Key": f"claim-{seq}"})
        assert first.status_code == 202, first.get_json()
        assert first.get_json()["status"] == "disputed"
        assert first.get_json()["member_no"] is None
        assert "已有入会记录" in first.get_json()["message"]
        _names_nothing(app, first, holder, applied_to="金水区小微企业联合工会")
        replay = client.post("/api/v1/join/applications", json=body, headers={
            **stranger, "Idempotency-Key": f"claim-{seq}"})
        assert replay.status_code == 202 and replay.get_json() == first.get_json()
        again = apply(client, stranger, body)
        assert_error(again, 409, "claim_pending")
        _names_nothing(app, again, holder)
        other_org = apply(client, stranger, {**body, "org_id": org_id(app, "ZZ-MT")})
        assert_error(other_org, 409, "claim_pending")
        _names_nothing(app, other_org, holder)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 1


def test_the_same_account_still_gets_the_helpful_answer(app, client, member):
    applied(client, member("own"), form({"org_id": org_id(app, "ZZ-MT")}))
    body = assert_error(apply(client, member("own"), form({"org_id": org_id(app, "ZZ-ELM")})),
                        409, "already_member")
    assert "美团外卖郑州骑手工会" in body["message"]


def test_a_bound_account_is_refused_a_second_id_until_staff_unbind(app, client, member,
                                                                    staff):
    target = {"org_id": org_id(app, "JS-XW")}
    first = applied(client, member("typo"), form(target, seq=1))
    refused = assert_error(apply(client, member("typo"), form(target, seq=2)), 409,
                           "account_bound_to_other_person")
    assert "解除绑定" in refused["message"]
    assert "工会工作人员" in refused["message"] and "金水" not in refused["message"]
    reviewer = staff("jinshui_reviewer")
    unbind = f"{QUEUE}/{first['id']}/unbind"
    assert_error(client.post(unbind, json={"reason": "身份证号填错"}, headers=reviewer), 409,
                 "account_in_use")  # still pending: reject it first
    client.post(f"{QUEUE}/{first['id']}/reject", json={"reason": "身份证号码有误"},
                headers=reviewer)
    assert_error(apply(client, member("typo"), form(target, seq=2)), 409,
                 "account_bound_to_other_person")
    assert_error(client.post(unbind, json={"reason": "身份证号填错"},
                             headers=staff("xyt_reviewer")), 403, "out_of_scope")
    assert_error(client.post(unbind, json={}, headers=reviewer), 422)
    assert client.post(unbind, json={"reason": "本人持身份证到场核实，原号码填错"},
                       headers=reviewer).status_code == 204
    assert_error(client.post(unbind, json={"reason": "再次解除"}, headers=reviewer), 409,
                 "account_not_bound")
    second = applied(client, member("typo"), form(target, seq=2))
    assert second["status"] == "pending"
    assert_error(apply(client, member("typo"), form(target, seq=3)), 409,
                 "account_bound_to_other_person")
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.action == "join.unbind_account"))
        assert entry.actor_name == "jinshui_reviewer" and "填错" in entry.reason
        assert db.session.scalar(sa.select(sa.func.count()).select_from(JoinApplication)) == 2


def test_auto_approval_needs_the_wechat_verified_phone(app, client, member):
    meituan = {"org_id": org_id(app, "ZZ-MT")}
    unverified = applied(client, member("nophone"), form(meituan, seq=1), verified=False)
    assert unverified["status"] == "pending" and unverified["member_no"] is None
    other = member("otherphone")
    verify_phone(client, other, "13700000002")
    assert applied(client, other, form(meituan, seq=2), verified=False)["status"] == "pending"
    verified = applied(client, member("verified"), form(meituan, seq=3))
    assert verified["status"] == "approved" and verified["member_no"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 1
