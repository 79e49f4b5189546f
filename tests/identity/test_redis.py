"""With REDIS_URL set, state is shared through Redis; without Redis the service carries on."""

import shutil

import pytest

from service import create_app
from tests.helpers import assert_error
from tests.servers import free_port


def login(client, password="x"):
    return client.post("/api/v1/admin/auth/login", json={"username": "ghost", "password": password})


# CI installs redis-server (tests/redis.sh); elsewhere these run where it is installed.
pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="redis-server is not installed")


def test_rate_limit_is_shared_by_two_app_processes_through_redis(settings, redis_server):
    url, _ = redis_server
    settings.update(REDIS_URL=url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    first, second = create_app(settings).test_client(), create_app(settings).test_client()
    statuses = [login(c).status_code for c in (first, second, first, second)]
    assert statuses == [401, 401, 401, 429]


def test_service_keeps_working_when_redis_goes_away(settings, redis_server, wechat_fake):
    url, process = redis_server
    settings.update(REDIS_URL=url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = create_app(settings).test_client()
    assert login(client).status_code == 401
    process.kill()
    process.wait()
    # Sign-in still answers (limits fall back to memory) ...
    assert_error(login(client), 401, "invalid_credentials")
    # ... and WeChat calls still get an access token (the database keeps it).
    token = client.post("/api/v1/auth/wechat-login", json={"code": "user-redisless-1"})
    assert token.status_code == 200
    bound = client.post("/api/v1/me/phone", json={"code": "phone-13600000000"},
                        headers={"Authorization": f"Bearer {token.get_json()['token']}"})
    assert bound.status_code == 200
    assert wechat_fake.stable_token_calls == 1


def test_service_works_with_redis_absent_from_the_start(settings, wechat_fake):
    settings.update(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", RATELIMIT_ENABLED=True)
    client = create_app(settings).test_client()
    assert_error(login(client), 401, "invalid_credentials")
    token = client.post("/api/v1/auth/wechat-login", json={"code": "user-noredis-1"})
    assert token.status_code == 200
    bound = client.post("/api/v1/me/phone", json={"code": "phone-13600000001"},
                        headers={"Authorization": f"Bearer {token.get_json()['token']}"})
    assert bound.status_code == 200


def test_wechat_login_limits_are_shared_through_redis(settings, redis_server, wechat_fake):
    url, _ = redis_server
    settings.update(REDIS_URL=url, RATELIMIT_ENABLED=True, WECHAT_LOGIN_ACCOUNT_LIMIT="2/minute")
    first, second = create_app(settings).test_client(), create_app(settings).test_client()
    statuses = [c.post("/api/v1/auth/wechat-login", json={"code": f"user-shared-{n}"}).status_code
                for n, c in enumerate((first, second, first))]
    assert statuses == [200, 200, 429]
