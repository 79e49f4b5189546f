"""Fixtures for the WeChat client tests; the fake server is tests/conftest.py's `wechat_fake`."""

import uuid

import pytest

from service.wechat.token_store import SqlTokenStore
from tests.wechat.helpers import APPID, make_client, make_store, redis_url, sqlite_engine


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "tokens.sqlite"


@pytest.fixture
def sql_store(db_path):
    return SqlTokenStore(sqlite_engine(db_path), APPID)


@pytest.fixture
def client(wechat_fake, sql_store):
    return make_client(wechat_fake.base_url, sql_store)


@pytest.fixture(params=["sql", "redis"])
def store_spec(request, db_path):
    """(spec, appid) of a fresh store per backend; Redis runs only when REDIS_URL is set."""
    if request.param == "sql":
        return str(db_path), APPID
    url = redis_url()
    if url is None:
        pytest.skip("REDIS_URL is not set")
    # A unique appid keeps other runs from sharing keys.
    appid = f"test-{uuid.uuid4().hex}"

    def forget_keys():
        import redis

        redis.Redis.from_url(url).delete(f"wechat:access_token:{appid}",
                                         f"wechat:access_token_lock:{appid}")

    request.addfinalizer(forget_keys)
    return url, appid


@pytest.fixture
def store(store_spec):
    return make_store(*store_spec)
