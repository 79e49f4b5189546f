"""Staff sign-in: tokens, wrong passwords, lockout, expiry and tampering."""

from service import create_app
from service.demo import DEMO_PASSWORD
from tests.helpers import assert_error


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


def test_five_failures_lock_the_account(client, demo_orgs):
    for _ in range(5):
        assert_error(login(client, "jinshui_admin", "wrong"), 401)
    body = assert_error(login(client, "jinshui_admin"), 429, "account_locked")
    assert "锁定" in body["message"]
    assert login(client, "jinshui_reviewer").status_code == 200, "other accounts unaffected"


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
