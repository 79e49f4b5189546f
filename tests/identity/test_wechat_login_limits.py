"""WeChat login limits: per code, per account, and a per-address ceiling a sign-up event fits."""

import sqlalchemy as sa

from service import create_app
from service.extensions import db
from service.models.accounts import User
from tests.helpers import assert_error

LOGIN = "/api/v1/auth/wechat-login"
HALL = {"X-Forwarded-For": "203.0.113.50"}   # one Wi-Fi, behind the loopback nginx


def limited_client(settings, **limits):
    settings.update(RATELIMIT_ENABLED=True, TRUSTED_PROXIES="1", **limits)
    app = create_app(settings)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "127.0.0.1"
    return app, client


def test_three_hundred_riders_sign_in_from_one_hall_within_a_minute(settings, wechat_fake):
    app, client = limited_client(settings)
    statuses = {client.post(LOGIN, json={"code": f"user-rider{n}-1"}, headers=HALL).status_code
                for n in range(300)}
    assert statuses == {200}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 300
    last = client.post(LOGIN, json={}, headers=HALL)   # 422, but counted like any attempt
    assert int(last.headers["X-RateLimit-Remaining"]) == 299
    # The 301st..600th attempt still passes; past the ceiling the address is refused ...
    for _ in range(299):
        assert client.post(LOGIN, json={}, headers=HALL).status_code == 422
    assert_error(client.post(LOGIN, json={"code": "user-late-1"}, headers=HALL), 429,
                 "rate_limited")
    # ... and only that address.
    other = client.post(LOGIN, json={"code": "user-late-2"},
                        headers={"X-Forwarded-For": "203.0.113.51"})
    assert other.status_code == 200


def test_one_code_is_limited(settings, wechat_fake):
    _, client = limited_client(settings, WECHAT_LOGIN_CODE_LIMIT="3 per minute")
    statuses = [client.post(LOGIN, json={"code": "user-carol-1"}, headers=HALL).status_code
                for _ in range(4)]
    assert statuses == [200, 401, 401, 429]   # WeChat refuses a used code; then we do
    assert client.post(LOGIN, json={"code": "user-carol-2"}, headers=HALL).status_code == 200


def test_one_account_is_limited_whatever_its_codes_and_addresses(settings, wechat_fake):
    _, client = limited_client(settings, WECHAT_LOGIN_ACCOUNT_LIMIT="3 per minute")
    statuses = [client.post(LOGIN, json={"code": f"user-dave-{n}"},
                            headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
                for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert_error(client.post(LOGIN, json={"code": "user-dave-9"}, headers=HALL), 429,
                 "rate_limited")
    assert client.post(LOGIN, json={"code": "user-erin-1"}, headers=HALL).status_code == 200
