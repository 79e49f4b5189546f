"""`flask retention purge`: personal data of rejected applications and erased accounts goes
after RETENTION_DAYS; the counts stay, a second run purges nothing, the audit has no values."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from service.config import ConfigError, load_config
from service.core import clock
from service.extensions import db
from service.models.accounts import User
from service.models.audit import AuditEntry
from service.models.members import JoinApplication
from tests.helpers import org_id
from tests.join.helpers import applied, form

QUEUE = "/api/v1/admin/join/applications"
STATS = "/api/v1/admin/stats/overview"


def _reject(client, staff, application_id):
    response = client.post(f"{QUEUE}/{application_id}/reject", json={"reason": "材料不全"},
                           headers=staff("xyt_reviewer"))
    assert response.status_code == 200, response.get_json()


def _age(app, application_id, days):
    with app.app_context():
        db.session.execute(update(JoinApplication).where(JoinApplication.id == application_id)
                           .values(reviewed_at=clock.now() - timedelta(days=days)))
        db.session.commit()


def test_purge_removes_old_rejections_only_and_is_idempotent(app, client, member, staff, runner):
    elm = {"org_id": org_id(app, "ZZ-ELM")}
    old = applied(client, member("alice"), form(elm, seq=51, name="上官婉儿", phone="13655551111"))
    recent = applied(client, member("bob"), form(elm, seq=52, name="诸葛亮", phone="13655552222"))
    _reject(client, staff, old["id"])
    _reject(client, staff, recent["id"])
    _age(app, old["id"], 181)
    _age(app, recent["id"], 179)
    stats = client.get(STATS, headers=staff("city_admin")).get_json()

    first = runner.invoke(args=["retention", "purge"])
    assert first.exit_code == 0, first.output
    assert "applications=1" in first.output

    with app.app_context():
        rows = {a.id: a for a in db.session.scalars(select(JoinApplication))}
        assert (rows[old["id"]].name, rows[old["id"]].phone) == ("已注销", "")
        assert rows[old["id"]].erased_at is not None
        assert (rows[recent["id"]].name, rows[recent["id"]].phone) == ("诸葛亮", "13655552222")
        alice = db.session.get(User, rows[old["id"]].user_id)
        assert alice.id_number is None, "nothing else needs the binding any more"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retention.purge"))
        assert entry.actor_kind == "system" and entry.detail["applications"] == 1
        assert "上官婉儿" not in repr(entry.detail)
    assert client.get(STATS, headers=staff("city_admin")).get_json() == stats
    assert client.get("/api/v1/join/applications", headers=member("alice")).get_json()[
        "items"][0]["status"] == "rejected"

    again = runner.invoke(args=["retention", "purge"])
    assert again.exit_code == 0 and "applications=0" in again.output, again.output


def test_an_erased_account_loses_its_audit_addresses_after_the_period(app, client, member,
                                                                      runner):
    headers = member("carol")
    client.get("/api/v1/me/data", headers=headers)
    assert client.delete("/api/v1/me", headers=headers).status_code == 204
    with app.app_context():
        db.session.execute(update(User).values(erased_at=clock.now() - timedelta(days=200)))
        db.session.commit()
    result = runner.invoke(args=["retention", "purge"])
    assert "audit_addresses=2" in result.output, result.output
    with app.app_context():
        assert db.session.scalars(select(AuditEntry.ip).where(
            AuditEntry.actor_kind == "member")).all() == [None, None]
    assert "audit_addresses=0" in runner.invoke(args=["retention", "purge"]).output


def test_retention_days_is_validated_like_the_other_settings():
    environ = {"SERVICE_ENV": "testing"}
    assert load_config(environ=environ)["RETENTION_DAYS"] == 180
    for value in ("0", "-5", "abc"):
        with pytest.raises(ConfigError, match="RETENTION_DAYS"):
            load_config(environ={**environ, "RETENTION_DAYS": value})


def test_a_membership_withdrawn_long_ago_loses_its_personal_data_once(app, client, member,
                                                                     staff, runner):
    from service.models.members import Member

    body = applied(client, member("dora"), form({"org_id": org_id(app, "ZZ-MT")}, seq=53,
                                                name="欧阳修", phone="13655553333"))
    asked = client.post("/api/v1/me/withdrawal", json={"reason": "不再从事配送"},
                        headers=member("dora")).get_json()
    assert client.post(f"/api/v1/admin/withdrawals/{asked['id']}/confirm",
                       headers=staff("xyt_reviewer")).status_code == 200
    stats = client.get(STATS, headers=staff("city_admin")).get_json()
    assert "members=0" in runner.invoke(args=["retention", "purge"]).output  # not yet
    with app.app_context():
        db.session.execute(update(Member).where(Member.member_no == body["member_no"])
                           .values(updated_at=clock.now() - timedelta(days=181)))
        db.session.commit()

    assert "members=1" in runner.invoke(args=["retention", "purge"]).output
    with app.app_context():
        row = db.session.scalar(select(Member).where(Member.member_no == body["member_no"]))
        assert (row.name, row.phone, row.status) == ("已注销", "", "withdrawn")
        assert row.application.name == "已注销"
    assert client.get(STATS, headers=staff("city_admin")).get_json() == stats
    assert "members=0" in runner.invoke(args=["retention", "purge"]).output
