"""Mini-program login and phone binding through the fake WeChat over HTTP."""

import sqlalchemy as sa

from tests.helpers import assert_error


def test_login_creates_user_once_and_hides_session_key(client, wechat_fake):
    first = client.post("/api/v1/auth/wechat-login", json={"code": "user-alice-1"})
    assert first.status_code == 200
    body = first.get_json()
    assert body["user"] == {"id": body["user"]["id"], "is_member": False, "phone_bound": False}
    assert "session_key" not in first.get_data(as_text=True)
    again = client.post("/api/v1/auth/wechat-login", json={"code": "user-alice-2"})
    assert again.get_json()["user"]["id"] == body["user"]["id"]


def test_bad_code_is_401_in_chinese(client, wechat_fake):
    body = assert_error(client.post("/api/v1/auth/wechat-login", json={"code": "invalid-x"}),
                        401, "wechat_code_invalid")
    assert "重新登录" in body["message"]


def test_reused_code_is_401(client, wechat_fake):
    assert client.post("/api/v1/auth/wechat-login", json={"code": "once"}).status_code == 200
    assert_error(client.post("/api/v1/auth/wechat-login", json={"code": "once"}), 401)


def test_wechat_down_is_503(client, wechat_fake):
    wechat_fake.fault("/sns/jscode2session", "http500")
    assert_error(client.post("/api/v1/auth/wechat-login", json={"code": "user-bob-1"}), 503,
                 "wechat_unavailable")
    wechat_fake.fault("/sns/jscode2session", "timeout", seconds=3)
    assert_error(client.post("/api/v1/auth/wechat-login", json={"code": "user-bob-2"}), 503,
                 "wechat_unavailable")


def test_phone_binding_masks_and_encrypts(app, client, member):
    headers = member("carol")
    response = client.post("/api/v1/me/phone", json={"code": "phone-13912345678"},
                           headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"phone": "139****5678"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["phone"] == "139****5678" and me["membership"] is None
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM users")).fetchall()
    engine.dispose()
    assert rows and "13912345678" not in repr(rows), "no plaintext phone at rest"


def test_bad_phone_code_is_422_naming_the_field(client, member):
    body = assert_error(client.post("/api/v1/me/phone", json={"code": "invalid"},
                                    headers=member("dave")), 422, "phone_code_invalid")
    assert "code" in body["errors"]["json"]


def test_phone_binding_survives_expired_access_token(client, member, wechat_fake):
    headers = member("erin")
    assert client.post("/api/v1/me/phone", json={"code": "phone-13700000001"},
                       headers=headers).status_code == 200
    calls = wechat_fake.stable_token_calls
    wechat_fake.expire_tokens()
    assert client.post("/api/v1/me/phone", json={"code": "phone-13700000002"},
                       headers=headers).status_code == 200
    assert wechat_fake.stable_token_calls == calls + 1


def test_principal_kinds_do_not_mix(client, member, staff):
    assert_error(client.get("/api/v1/admin/orgs", headers=member("frank")), 403, "admin_only")
    assert_error(client.get("/api/v1/me", headers=staff("jinshui_admin")), 403, "member_only")
    assert_error(client.get("/api/v1/me"), 401, "token_missing")


def test_wechat_refusing_our_credentials_is_502(settings, wechat_fake):
    from service import create_app

    settings["WECHAT_SECRET"] = "bad-secret"
    client = create_app(settings).test_client()
    login = client.post("/api/v1/auth/wechat-login", json={"code": "user-gina-1"})
    assert_error(login, 502, "wechat_error")


def test_wechat_busy_is_503_and_nothing_is_written(app, client, member, wechat_fake):
    headers = member("hank")
    wechat_fake.fault("/wxa/business/getuserphonenumber", "busy")
    assert_error(client.post("/api/v1/me/phone", json={"code": "phone-13500000000"},
                             headers=headers), 503, "wechat_unavailable")
    assert client.get("/api/v1/me", headers=headers).get_json()["phone"] is None
