"""A token store that prefers Redis and keeps working on the database without it."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from redis.exceptions import RedisError

from service.wechat.token_store import TokenStore

log = logging.getLogger(__name__)


class FallbackTokenStore:
    """Every call goes to `primary`; when Redis fails, the same call goes to `fallback`."""

    def __init__(self, primary: TokenStore, fallback: TokenStore):
        self.primary = primary
        self.fallback = fallback

    def _either(self, name: str, *args):
        try:
            return getattr(self.primary, name)(*args)
        except RedisError as exc:
            log.warning("redis unavailable for the token store (%s); using the database",
                        type(exc).__name__)
            return getattr(self.fallback, name)(*args)

    def get(self) -> tuple[str, datetime] | None:
        return self._either("get")

    def set(self, token: str, expires_at: datetime) -> None:
        self._either("set", token, expires_at)

    def drop(self, token: str) -> None:
        # Drop from both: a token cached in either place may be the stale one.
        self._either("drop", token)
        self.fallback.drop(token)

    @contextmanager
    def lock(self, timeout: float = 10.0, lease: float = 30.0) -> Iterator[None]:
        try:
            held = self.primary.lock(timeout, lease)
            held.__enter__()
        except RedisError:
            log.warning("redis unavailable for the token lock; using the database")
            with self.fallback.lock(timeout, lease):
                yield
            return
        try:
            yield
        finally:
            try:
                held.__exit__(None, None, None)
            except RedisError:
                pass  # the lease expires by itself
