"""Several gunicorn workers share one WeChat access token: in the database or in Redis."""

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.servers import Gunicorn

pytestmark = pytest.mark.slow


@pytest.fixture(params=["database", "redis"])
def token_home(request):
    """Extra settings for where the workers keep the token."""
    if request.param == "database":
        return {}
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    url, _ = request.getfixturevalue("redis_server")
    return {"REDIS_URL": url}


def test_workers_make_one_stable_token_request(database_url, wechat_fake, token_home):
    env = {"DATABASE_URL": database_url, "WECHAT_API_BASE": wechat_fake.base_url,
           "LOGIN_RATE_LIMIT": "1000 per minute", "SERVICE_ENV": "development", **token_home}
    with Gunicorn(env, workers=4) as server:
        def bind_phone(i):
            login = requests.post(f"{server.url}/api/v1/auth/wechat-login",
                                  json={"code": f"user-w{i}-1"}, timeout=10).json()
            return requests.post(f"{server.url}/api/v1/me/phone",
                                 json={"code": f"phone-1390000{i:04d}"}, timeout=20,
                                 headers={"Authorization": f"Bearer {login['token']}"})

        with ThreadPoolExecutor(16) as pool:
            responses = list(pool.map(bind_phone, range(32)))
    assert [r.status_code for r in responses] == [200] * 32
    assert wechat_fake.stable_token_calls == 1
