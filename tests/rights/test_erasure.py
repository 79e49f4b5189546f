"""Erasing an account: refused while a membership or a live refund needs the data; then no
personal value is left in any table, the statistics stay as they were, the tokens end."""

from pathlib import Path

from sqlalchemy import select

from service.core import clock
from service.core.pii import blind_index
from service.extensions import db
from service.models.accounts import User
from service.models.audit import AuditEntry
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, form
from tests.refunds.helpers import REQUIRED
from tests.rights.helpers import ALICE, every_value, give_alice_data

ME = "/api/v1/me"
STATS = "/api/v1/admin/stats/overview"
FUNNEL = "/api/v1/admin/stats/join-codes"
GROUPS = "/api/v1/admin/stats/groups"


def test_erasure_leaves_no_personal_value_and_the_statistics_unchanged(
        app, client, member, staff, add_station, refunds):
    mine = give_alice_data(app, client, member, staff, add_station, refunds)
    with app.app_context():
        openid = db.session.scalar(select(User.openid).where(User.phone.is_not(None)))
        indexes = [blind_index("id_number", mine["id_number"]),
                   *(blind_index("phone", ALICE[key]) for key in ("phone", "wechat_phone"))]
    stats_before = client.get(STATS, headers=staff("city_admin")).get_json()
    groups_before = client.get(GROUPS, headers=staff("city_admin")).get_json()
    assert groups_before["items"], "alice's application is counted"
    today = clock.now().astimezone(clock.SHANGHAI).date().isoformat()
    funnel = {"since": today, "until": today}
    funnel_before = client.get(FUNNEL, query_string=funnel, headers=staff("city_admin")).get_json()
    assert funnel_before["items"][0]["scans"] == 1
    values = [ALICE["name"], ALICE["phone"], ALICE["employer"], ALICE["feedback"],
              ALICE["bank"], ALICE["contact"], ALICE["contact_phone"], ALICE["wechat_phone"],
              mine["id_number"], openid, *indexes]
    uploads = sorted(p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())
    assert len(uploads) == 1
    before = every_value(app)
    assert all(value in before for value in values), "the scan sees the values it looks for"

    response = client.delete(ME, headers=member("alice"))
    assert response.status_code == 204, response.get_data(as_text=True)

    assert not any(path.exists() for path in uploads), "the draft's file is deleted"
    after = every_value(app)
    assert [value for value in values if value in after] == []
    assert client.get(STATS, headers=staff("city_admin")).get_json() == stats_before
    assert client.get(GROUPS, headers=staff("city_admin")).get_json() == groups_before
    assert client.get(FUNNEL, query_string=funnel,
                      headers=staff("city_admin")).get_json() == funnel_before
    assert_error(client.get(ME, headers=member("alice")), 401, "token_invalid")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.erase"))
        assert (entry.actor_kind, entry.object_id) == ("member", str(entry.actor_id))
    # Signing in again with the same WeChat account starts afresh, with nothing of before.
    member.tokens.pop("alice")
    fresh = client.get("/api/v1/me/data", headers=member("alice")).get_json()
    assert fresh["applications"] == [] and fresh["enterprises"] == []


def test_a_member_is_told_to_withdraw_first(app, client, member):
    applied(client, member("bob"), form({"org_id": org_id(app, "ZZ-MT")}, seq=35))
    body = assert_error(client.delete(ME, headers=member("bob")), 409, "membership_active")
    assert "退会" in body["message"]
    assert client.get(ME, headers=member("bob")).status_code == 200


def test_a_refund_in_progress_must_finish_first(app, client, member, staff, refunds):
    application = refunds.application("carol")
    refunds.fill("carol", application["id"], REQUIRED)
    assert refunds.submit("carol", application["id"]).status_code == 200
    body = assert_error(client.delete(ME, headers=member("carol")), 409, "refund_in_progress")
    assert "经费返还" in body["message"]
    with app.app_context():
        assert db.session.scalars(select(User.id).where(User.erased_at.is_not(None))).all() == []


def test_a_pending_application_must_be_decided_first(app, client, member):
    applied(client, member("dave"), form({"org_id": org_id(app, "ZZ-ELM")}, seq=36))
    assert_error(client.delete(ME, headers=member("dave")), 409, "application_pending")
