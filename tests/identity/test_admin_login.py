"""Staff sign-in: tokens, wrong passwords, slowed failures, expiry and tampering."""

from datetime import UTC, datetime, timedelta

from service import create_app
from service.demo import DEMO_PASSWORD
from tests.helpers import assert_error

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ATTACKER, OFFICE = "198.51.100.66", "203.0.113.10"


def login(client, username, password=DEMO_PASSWORD):
    return client.post("/api/v1/admin/auth/login",
                       json={"username": username, "password": password})


def test_login_returns_token_org_and_roles(client, demo_orgs):
    response = login(client, "jinshui_reviewer")
    assert response.status_code == 200
    body = response.get_json()
    assert body["expires_in"] > 0 and body["token"]
    assert body["admin"]["username"] == "jinshui_reviewer"
    assert body["admin"]["org"]["name"] == "金水区总工会"
    assert body["admin"]["roles"] == ["member_reviewer"]
    assert body["must_change_password"] is False
    assert DEMO_PASSWORD not in response.get_data(as_text=True)
    assert "hash" not in response.get_data(as_text=True)


def test_wrong_password_and_unknown_user_answer_alike(client, demo_orgs):
    wrong = assert_error(login(client, "jinshui_admin", "nope"), 401, "invalid_credentials")
    unknown = assert_error(login(client, "nobody", "nope"), 401, "invalid_credentials")
    assert wrong["message"] == unknown["message"] == "用户名或密码错误"


def test_missing_field_names_it_in_chinese(client, demo_orgs):
    body = assert_error(client.post("/api/v1/admin/auth/login", json={"username": "x"}), 422,
                        "validation_failed")
    assert body["message"] == "密码为必填项"
    assert body["errors"]["json"]["password"] == ["为必填项"]


def test_malformed_json_is_400(client, demo_orgs):
    response = client.post("/api/v1/admin/auth/login", data="{not json",
                           content_type="application/json")
    assert_error(response, 400, "malformed_json")


def from_address(client, address, username, password=DEMO_PASSWORD):
    return client.post("/api/v1/admin/auth/login", environ_base={"REMOTE_ADDR": address},
                       json={"username": username, "password": password})


def test_failures_slow_one_address_down_and_never_lock_the_account(app, client, demo_orgs):
    app.config["FIXED_NOW"] = NOW
    for _ in range(5):
        assert_error(from_address(client, ATTACKER, "jinshui_admin", "wrong"), 401)
    refused = from_address(client, ATTACKER, "jinshui_admin")
    body = assert_error(refused, 429, "login_slowed")
    assert refused.headers["Retry-After"] == "1" and "1秒后再试" in body["message"]
    # The account is not locked: the right password from the reviewer's own desk works.
    assert from_address(client, OFFICE, "jinshui_admin").status_code == 200
    app.config["FIXED_NOW"] = NOW + timedelta(seconds=1)
    assert from_address(client, ATTACKER, "jinshui_admin").status_code == 200


def test_delays_double_up_to_fifteen_minutes(app, client, demo_orgs):
    now = NOW
    waits = []
    for attempt in range(20):
        app.config["FIXED_NOW"] = now
        response = from_address(client, ATTACKER, "jinshui_admin", "wrong")
        assert response.status_code == 401, attempt
        refused = from_address(client, ATTACKER, "jinshui_admin", "wrong")
        if refused.status_code == 401:   # the first five cost nothing
            continue
        assert_error(refused, 429, "login_slowed")
        waits.append(int(refused.headers["Retry-After"]))
        now += timedelta(seconds=waits[-1])
    assert waits[:8] == [1, 2, 4, 8, 16, 32, 64, 128] and waits[-3:] == [900, 900, 900]
    body = assert_error(from_address(client, ATTACKER, "jinshui_admin"), 429, "login_slowed")
    assert "15分钟后再试" in body["message"]


def test_unknown_and_known_usernames_answer_alike_all_the_way(app, client, demo_orgs):
    app.config["FIXED_NOW"] = NOW
    answers = {}
    for username in ("jinshui_admin", "nobody_here"):
        responses = [from_address(client, ATTACKER, username, "wrong") for _ in range(7)]
        answers[username] = [(r.status_code, r.get_json(), r.headers.get("Retry-After"))
                             for r in responses]
    assert answers["jinshui_admin"] == answers["nobody_here"]
    assert [status for status, _, _ in answers["nobody_here"]] == [401] * 5 + [429, 429]


def test_unknown_usernames_check_a_hash_of_the_configured_method(app):
    from service.identity.login import dummy_hash

    with app.app_context():
        assert dummy_hash().startswith(app.config["PASSWORD_HASH_METHOD"] + "$")


def test_login_is_rate_limited_per_account(settings):
    settings.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = create_app(settings).test_client()
    statuses = [login(client, "ghost", "x").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert_error(login(client, "ghost", "x"), 429, "rate_limited")


def test_tampered_and_expired_tokens_are_401(app, client, staff):
    token = staff.token("jinshui_admin")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert_error(client.get("/api/v1/admin/orgs", headers={"Authorization": f"Bearer {tampered}"}),
                 401, "token_invalid")
    app.config["ADMIN_TOKEN_TTL_SECONDS"] = -1
    assert_error(client.get("/api/v1/admin/orgs", headers=staff("jinshui_admin")), 401,
                 "token_invalid")


def test_no_token_is_401(client, demo_orgs):
    assert_error(client.get("/api/v1/admin/orgs"), 401, "token_missing")


def test_every_process_sees_the_same_failures(settings, demo_orgs):
    first, second = create_app(settings).test_client(), create_app(settings).test_client()
    for client in (first, second, first, second, first):
        assert_error(from_address(client, ATTACKER, "jinshui_admin", "wrong"), 401)
    assert_error(from_address(second, ATTACKER, "jinshui_admin"), 429, "login_slowed")
