"""Shared test helpers; importable by worker processes, unlike conftest."""

import os

from sqlalchemy import MetaData, create_engine

from service.wechat.client import WeChatClient
from service.wechat.token_store import RedisTokenStore, SqlTokenStore, define_token_table

APPID = "wx-test-app"
SECRET = "test-secret"
TEST_TIMEOUT = (0.5, 1.0)


def sqlite_engine(path):
    """Engine on a SQLite file with the token table created."""
    engine = create_engine(f"sqlite:///{path}")
    metadata = MetaData()
    define_token_table(metadata)
    metadata.create_all(engine)
    return engine


def make_store(spec: str, appid: str = APPID):
    """Token store from a spec: a SQLite file path or a redis:// URL."""
    if spec.startswith(("redis://", "rediss://", "unix://")):
        import redis

        return RedisTokenStore(redis.Redis.from_url(spec), appid)
    return SqlTokenStore(sqlite_engine(spec), appid)


def make_client(base_url: str, store, appid: str = APPID, **kwargs) -> WeChatClient:
    """Client for the fake server with short timeouts."""
    kwargs.setdefault("timeout", TEST_TIMEOUT)
    return WeChatClient(appid, SECRET, base_url, store, **kwargs)


def redis_url() -> str | None:
    """REDIS_URL from the environment, if a Redis server is provided."""
    return os.environ.get("REDIS_URL") or None
