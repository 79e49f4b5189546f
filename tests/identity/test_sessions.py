"""Ending sessions: the own password change, members' log-out-all, the member token lifetime."""

import pytest
from sqlalchemy import select

from service import create_app
from service.commands import create_admin
from service.config import ConfigError, load_config
from service.demo import DEMO_PASSWORD
from service.extensions import db
from service.identity.accounts import password_problem
from service.models.audit import AuditEntry
from service.models.orgs import Org
from tests.helpers import assert_error
from tests.identity.test_staff_accounts import account_id, bearer, login, orgs

PASSWORD = "/api/v1/admin/auth/password"


def change(client, headers, new, old=DEMO_PASSWORD):
    return client.post(PASSWORD, headers=headers, json={"old_password": old,
                                                        "new_password": new})


def test_change_ends_every_other_token_and_keeps_the_callers(app, client, demo_orgs):
    here, elsewhere = bearer(login(client, "jinshui_admin")), bearer(login(client, "jinshui_admin"))
    assert change(client, here, "Jinshui-2026!").status_code == 204
    assert orgs(client, here).status_code == 200
    assert_error(orgs(client, elsewhere), 401, "token_invalid")
    assert_error(login(client, "jinshui_admin"), 401, "invalid_credentials")
    later = bearer(login(client, "jinshui_admin", "Jinshui-2026!"))
    assert orgs(client, later).status_code == 200
    # A second change from the first session: that session still goes on, `later` ends.
    assert change(client, here, "Jinshui-2027!", old="Jinshui-2026!").status_code == 204
    assert orgs(client, here).status_code == 200
    assert_error(orgs(client, later), 401, "token_invalid")
    with app.app_context():
        assert db.session.scalars(select(AuditEntry.actor_name).where(
            AuditEntry.action == "account.password_change")).all() == ["jinshui_admin"] * 2


def test_a_reset_ends_the_session_a_change_kept(app, client, staff):
    here = staff("jinshui_reviewer")
    assert change(client, here, "Reviewer-2026!").status_code == 204
    reviewer = account_id(app, "jinshui_reviewer")
    assert client.post(f"/api/v1/admin/accounts/{reviewer}/reset-password",
                       headers=staff("jinshui_admin")).status_code == 200
    assert_error(orgs(client, here), 401, "token_invalid")


def test_wrong_old_password_changes_nothing(client, staff):
    headers = staff("jinshui_admin")
    body = assert_error(change(client, headers, "Jinshui-2026!", old="wrong-password"), 422,
                        "old_password_wrong")
    assert set(body["errors"]["json"]) == {"old_password"}
    assert orgs(client, headers).status_code == 200
    assert login(client, "jinshui_admin").status_code == 200


def test_guessing_the_old_password_is_rate_limited(settings):
    from service.demo.orgs import seed_orgs

    settings.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    app = create_app(settings)
    with app.app_context():
        seed_orgs(DEMO_PASSWORD)
        db.session.commit()
    client = app.test_client()
    headers = bearer(login(client, "jinshui_admin"))
    statuses = [change(client, headers, "Jinshui-2026!", old=f"guess-{n}").status_code
                for n in range(4)]
    assert statuses == [422, 422, 422, 429]


@pytest.fixture
def named_like_a_password(app, demo_orgs):
    with app.app_context():
        create_admin("ops.admin.1", db.session.scalar(select(Org).where(Org.code == "JS")),
                     ["station_manager"], DEMO_PASSWORD)
        db.session.commit()
    return "ops.admin.1"


@pytest.mark.parametrize(("new", "why"), [
    ("Ab1!xyz", "至少需要10个字符"),
    ("abcdefghijkl", "至少3类"),
    ("abcdefgh1234", "至少3类"),
    ("ABCDEFGH-+=!", "至少3类"),
    ("OPS.ADMIN.1", "不能与用户名相同"),
    ("Ops.Admin.1", "不能与用户名相同"),
    (DEMO_PASSWORD, "不能与原密码相同"),
    ("A1-" + "x" * 126, "不能超过128个字符"),
])
def test_weak_passwords_are_refused_naming_the_field(client, named_like_a_password, new, why):
    headers = bearer(login(client, named_like_a_password))
    if new == DEMO_PASSWORD:  # strong enough for the rule (3 classes) but not new
        assert password_problem(DEMO_PASSWORD, named_like_a_password) is None
    body = assert_error(change(client, headers, new), 422, "password_weak")
    assert why in body["message"] and why in body["errors"]["json"]["new_password"][0]
    assert login(client, named_like_a_password).status_code == 200, "unchanged"


@pytest.mark.parametrize("new", ["Zhengzhou-2026", "jinshui 2026 ok", "金水区工会Union9",
                                 "Abcdefghij1"])
def test_strong_passwords_pass(new):
    assert password_problem(new, "ops.admin.1") is None


def test_password_route_is_for_staff_only(client, member, demo_orgs):
    assert_error(change(client, member("alice"), "Jinshui-2026!"), 403, "admin_only")
    assert_error(change(client, {}, "Jinshui-2026!"), 401, "token_missing")


def test_member_logout_all_ends_every_token_of_the_account(app, client, wechat_fake):
    def member_login(code):
        response = client.post("/api/v1/auth/wechat-login", json={"code": code})
        return bearer(response)

    phone, tablet, bob = member_login("user-alice-1"), member_login("user-alice-2"), \
        member_login("user-bob-1")
    assert client.post("/api/v1/me/logout-all", headers=phone).status_code == 204
    assert_error(client.get("/api/v1/me", headers=phone), 401, "token_invalid")
    assert_error(client.get("/api/v1/me", headers=tablet), 401, "token_invalid")
    assert client.get("/api/v1/me", headers=bob).status_code == 200, "other accounts go on"
    assert client.get("/api/v1/me", headers=member_login("user-alice-3")).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).where(
            AuditEntry.actor_kind == "member")) == "member.logout_all"


def test_logout_all_is_for_members(client, staff):
    assert_error(client.post("/api/v1/me/logout-all", headers=staff("jinshui_admin")), 403,
                 "member_only")


def test_member_tokens_live_at_most_seven_days(settings):
    week = 7 * 24 * 3600
    assert create_app({**settings, "TOKEN_TTL_SECONDS": week}).config["TOKEN_TTL_SECONDS"] == week
    with pytest.raises(ConfigError, match="TOKEN_TTL_SECONDS"):
        create_app({**settings, "TOKEN_TTL_SECONDS": week + 1})
    with pytest.raises(ConfigError, match="TOKEN_TTL_SECONDS"):
        load_config(environ={"SERVICE_ENV": "testing", "TOKEN_TTL_SECONDS": "2592000"})
