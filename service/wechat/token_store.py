"""Where the access token lives, shared by every process and server of the app."""

import random
import secrets
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Column, DateTime, MetaData, String, Table, exc, insert, or_, select, update
from sqlalchemy.engine import Engine

from service.core import clock


class LockTimeout(Exception):
    """The refresh lock could not be taken before the timeout."""


class TokenStore(Protocol):
    """Shared storage for one app's access token, with a cross-process lock."""

    def get(self) -> tuple[str, datetime] | None:
        """Return the cached token and its UTC expiry, or None."""

    def set(self, token: str, expires_at: datetime) -> None:
        """Cache a token until `expires_at` (aware UTC)."""

    def drop(self, token: str) -> None:
        """Forget the cached token, but only if it is still `token`."""

    def lock(self, timeout: float = 10.0, lease: float = 30.0) -> AbstractContextManager[None]:
        """Context manager holding the refresh lock; raises LockTimeout."""


def _poll_pause() -> None:
    # Jitter keeps contending processes from polling in lockstep.
    time.sleep(0.02 + random.random() * 0.03)


# -- Redis -------------------------------------------------------------------------------

# The value is "<expires_epoch> <token>"; delete it only if it still holds ARGV[1].
_DROP_IF_SAME_TOKEN = """
local v = redis.call('get', KEYS[1])
if not v then return 0 end
local sep = string.find(v, ' ', 1, true)
if sep and string.sub(v, sep + 1) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class RedisTokenStore:
    """Token store on Redis; the lock is redis-py's Lock (random owner, safe release)."""

    def __init__(self, redis_client, appid: str):
        self.redis = redis_client
        self.key = f"wechat:access_token:{appid}"
        self.lock_key = f"wechat:access_token_lock:{appid}"
        self._drop_script = redis_client.register_script(_DROP_IF_SAME_TOKEN)

    def get(self) -> tuple[str, datetime] | None:
        """Return the cached token and its UTC expiry, or None."""
        raw = self.redis.get(self.key)
        if raw is None:
            return None
        value = raw.decode() if isinstance(raw, bytes) else raw
        expires, _, token = value.partition(" ")
        return token, datetime.fromtimestamp(float(expires), UTC)

    def set(self, token: str, expires_at: datetime) -> None:
        """Cache a token until `expires_at`; Redis expires the key itself."""
        ttl_ms = int((expires_at - clock.now()).total_seconds() * 1000)
        if ttl_ms > 0:
            self.redis.set(self.key, f"{expires_at.timestamp()} {token}", px=ttl_ms)

    def drop(self, token: str) -> None:
        """Forget the cached token, but only if it is still `token`."""
        self._drop_script(keys=[self.key], args=[token])

    @contextmanager
    def lock(self, timeout: float = 10.0, lease: float = 30.0) -> Iterator[None]:
        """Hold the refresh lock; the lease frees it if this process dies."""
        from redis.exceptions import LockError

        lock = self.redis.lock(self.lock_key, timeout=lease, blocking_timeout=timeout,
                               thread_local=False)
        if not lock.acquire():
            raise LockTimeout(self.lock_key)
        try:
            yield
        finally:
            try:
                lock.release()
            except LockError:
                pass  # the lease ran out and someone else may hold it now


# -- SQL ---------------------------------------------------------------------------------

def define_token_table(metadata: MetaData) -> Table:
    """Define the `wechat_tokens` table on the application's metadata."""
    return Table(
        "wechat_tokens",
        metadata,
        Column("appid", String(64), primary_key=True),
        Column("token", String(512), nullable=True),
        Column("expires_at", DateTime(), nullable=True),
        Column("locked_until", DateTime(), nullable=True),
        Column("lock_owner", String(64), nullable=True),
    )


def _naive(moment: datetime) -> datetime:
    # Stored as naive UTC: SQLite and MySQL DATETIME keep no zone.
    return moment.astimezone(UTC).replace(tzinfo=None)


class SqlTokenStore:
    """Token store in one table row per appid; the lock is a lease on that row."""

    def __init__(self, engine: Engine, appid: str, table: Table | None = None):
        self.engine = engine
        self.appid = appid
        self.table = table if table is not None else define_token_table(MetaData())

    def get(self) -> tuple[str, datetime] | None:
        """Return the cached token and its UTC expiry, or None."""
        t = self.table
        with self.engine.begin() as conn:
            row = conn.execute(
                select(t.c.token, t.c.expires_at).where(t.c.appid == self.appid)
            ).first()
        if row is None or row.token is None or row.expires_at is None:
            return None
        return row.token, row.expires_at.replace(tzinfo=UTC)

    def set(self, token: str, expires_at: datetime) -> None:
        """Cache a token until `expires_at` (aware UTC)."""
        self._ensure_row()
        t = self.table
        with self.engine.begin() as conn:
            conn.execute(
                update(t).where(t.c.appid == self.appid)
                .values(token=token, expires_at=_naive(expires_at))
            )

    def drop(self, token: str) -> None:
        """Forget the cached token, but only if it is still `token`."""
        t = self.table
        with self.engine.begin() as conn:
            conn.execute(
                update(t).where(t.c.appid == self.appid, t.c.token == token)
                .values(token=None, expires_at=None)
            )

    @contextmanager
    def lock(self, timeout: float = 10.0, lease: float = 30.0) -> Iterator[None]:
        """Hold the refresh lock; the lease frees it if this process dies."""
        owner = secrets.token_hex(16)
        deadline = time.monotonic() + timeout
        self._ensure_row()
        while not self._try_acquire(owner, lease):
            if time.monotonic() >= deadline:
                raise LockTimeout(self.appid)
            _poll_pause()
        try:
            yield
        finally:
            self._release(owner)

    def _try_acquire(self, owner: str, lease: float) -> bool:
        t = self.table
        now = _naive(clock.now())
        with self.engine.begin() as conn:
            result = conn.execute(
                update(t)
                .where(t.c.appid == self.appid,
                       or_(t.c.locked_until.is_(None), t.c.locked_until < now))
                .values(lock_owner=owner, locked_until=now + timedelta(seconds=lease))
            )
        return result.rowcount == 1

    def _release(self, owner: str) -> None:
        t = self.table
        with self.engine.begin() as conn:
            conn.execute(
                update(t).where(t.c.appid == self.appid, t.c.lock_owner == owner)
                .values(lock_owner=None, locked_until=None)
            )

    def _ensure_row(self) -> None:
        t = self.table
        with self.engine.begin() as conn:
            if conn.execute(select(t.c.appid).where(t.c.appid == self.appid)).first():
                return
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(t).values(appid=self.appid))
        except exc.IntegrityError:
            pass  # another process inserted it first
