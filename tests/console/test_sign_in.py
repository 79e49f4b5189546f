"""Signing in to the console: the form, the slow-down, idle sessions, password changes."""

from datetime import timedelta

from sqlalchemy import select

from service.extensions import db
from service.models.accounts import Admin
from service.models.audit import AuditEntry
from tests.console.helpers import csrf_token, post_form, sign_in, text


def test_a_page_sends_a_stranger_to_the_sign_in_form(client):
    response = client.get("/console/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login")
    form = client.get("/console/login")
    assert form.status_code == 200
    assert "登录" in text(form) and 'for="username"' in text(form)


def test_signing_in_opens_the_dashboard_with_a_safe_cookie(client):
    response = sign_in(client, "jinshui_reviewer")
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/console/")
    assert page.status_code == 200
    assert "金水区总工会" in text(page)
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_cookie_is_secure_in_production_settings():
    from service.config import read_config

    config, problems = read_config({"SERVICE_ENV": "production", "SESSION_COOKIE_SECURE": False})
    assert any("SESSION_COOKIE_SECURE" in problem for problem in problems)
    config, _ = read_config({"SERVICE_ENV": "production"}, environ={})
    assert config["SESSION_COOKIE_SECURE"] is True


def test_a_wrong_password_is_shown_in_the_form_with_the_name_kept(client):
    response = sign_in(client, "jinshui_reviewer", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in text(response)
    assert 'value="jinshui_reviewer"' in text(response)
    assert client.get("/console/").status_code == 302


def test_repeated_failures_slow_the_form_down_as_they_slow_the_api(client):
    for _ in range(5):
        assert sign_in(client, "jinshui_reviewer", "wrong-password").status_code == 401
    slowed = sign_in(client, "jinshui_reviewer")  # the right password, too soon
    assert slowed.status_code == 429
    assert "登录失败次数较多" in text(slowed)
    assert slowed.headers["Retry-After"].isdigit()
    # The API refuses the same (username, address) just the same.
    api = client.post("/api/v1/admin/auth/login",
                      json={"username": "jinshui_reviewer", "password": "demo-pass-2026"})
    assert api.status_code == 429


def test_sign_in_without_the_form_token_is_refused(client):
    response = client.post("/console/login", data={"username": "jinshui_reviewer",
                                                   "password": "demo-pass-2026"})
    assert response.status_code == 403
    assert "安全校验未通过" in text(response)


def test_an_idle_session_ends(client, app, monkeypatch):
    from service.core import clock

    assert sign_in(client, "jinshui_reviewer").status_code == 302
    assert client.get("/console/").status_code == 200
    later = clock.now() + timedelta(minutes=app.config["CONSOLE_IDLE_MINUTES"] + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = client.get("/console/")
    assert response.status_code == 302
    login = client.get(response.headers["Location"])
    assert "长时间未操作，已自动退出" in text(login)


def test_an_active_session_stays(client, app, monkeypatch):
    from service.core import clock

    start = clock.now()
    assert sign_in(client, "jinshui_reviewer").status_code == 302
    for minutes in (20, 40, 60):  # never 30 minutes without a request
        moment = start + timedelta(minutes=minutes)
        monkeypatch.setattr(clock, "now", lambda moment=moment: moment)
        assert client.get("/console/").status_code == 200


def test_the_idle_minutes_are_validated():
    from service.config import read_config

    _, problems = read_config({"SERVICE_ENV": "testing", "CONSOLE_IDLE_MINUTES": 0})
    assert any("CONSOLE_IDLE_MINUTES" in problem for problem in problems)


def test_signing_out_ends_the_session(client):
    sign_in(client, "jinshui_reviewer")
    response = post_form(client, "/console/logout", {}, form_page="/console/")
    assert response.status_code == 302
    assert client.get("/console/").status_code == 302


def _reset(app, username):
    from service.identity.accounts import hash_password

    with app.app_context():
        admin = db.session.scalar(select(Admin).where(Admin.username == username))
        admin.password_hash = hash_password("Reset-pass-2026")
        admin.must_change_password = True
        admin.token_version += 1
        db.session.commit()


def test_a_reset_password_must_be_changed_before_anything_else(client, app):
    _reset(app, "jinshui_reviewer")
    response = sign_in(client, "jinshui_reviewer", "Reset-pass-2026")
    assert response.headers["Location"] == "/console/password"
    blocked = client.get("/console/")
    assert blocked.status_code == 302 and blocked.headers["Location"] == "/console/password"
    page = client.get("/console/password")
    assert "请先设置新密码" in text(page)
    assert "入会审核" not in text(page)  # no menu until the password is changed

    weak = post_form(client, "/console/password", {
        "old_password": "Reset-pass-2026", "new_password": "short", "confirm_password": "short"})
    assert weak.status_code == 422 and "密码至少需要10个字符" in text(weak)

    changed = post_form(client, "/console/password", {
        "old_password": "Reset-pass-2026", "new_password": "New-Pass-2026!",
        "confirm_password": "New-Pass-2026!"})
    assert changed.status_code == 302
    assert client.get("/console/").status_code == 200  # this session stays signed in
    with app.app_context():
        admin = db.session.scalar(select(Admin).where(Admin.username == "jinshui_reviewer"))
        assert admin.must_change_password is False
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "account.password_change"))
        assert entry.actor_name == "jinshui_reviewer"


def test_a_password_change_elsewhere_ends_this_session(client, app):
    sign_in(client, "jinshui_reviewer")
    assert client.get("/console/").status_code == 200
    _reset(app, "jinshui_reviewer")
    response = client.get("/console/")
    assert response.status_code == 302
    assert "登录已失效" in text(client.get(response.headers["Location"]))


def test_the_wrong_old_password_is_named_in_the_form(client):
    sign_in(client, "jinshui_reviewer")
    response = post_form(client, "/console/password", {
        "old_password": "not-it", "new_password": "New-Pass-2026!",
        "confirm_password": "New-Pass-2026!"})
    assert response.status_code == 422
    assert "原密码不正确" in text(response)
    assert 'aria-invalid="true"' in text(response)


def test_the_form_token_is_required_on_every_console_post(client):
    sign_in(client, "jinshui_reviewer")
    token = csrf_token(client, "/console/")
    assert token
    refused = client.post("/console/logout")
    assert refused.status_code == 403
    assert client.get("/console/").status_code == 200  # still signed in


def test_a_copied_cookie_stops_working_after_sign_out(client, app):
    sign_in(client, "jinshui_reviewer")
    copied = client.get_cookie("session").value
    assert post_form(client, "/console/logout", {}, form_page="/console/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/console/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login")


def test_two_sign_ins_are_two_sessions(client, app):
    other = app.test_client()
    sign_in(client, "jinshui_reviewer")
    sign_in(other, "jinshui_reviewer")
    post_form(client, "/console/logout", {}, form_page="/console/")
    assert other.get("/console/").status_code == 200  # signing out here ends only this one
