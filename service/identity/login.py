"""Staff sign-in: the password check, with failures slowing down per (username, address).

Nothing ever locks an account. Failed attempts from one client address slow down only that
address's next attempts at that username: after FREE_FAILURES, each failure refuses the next
attempt for 1 s, 2 s, 4 s, ... up to MAX_DELAY (429 `login_slowed` with Retry-After), so a
burst from an attacker cannot keep a colleague out, and the right password from another
address always works. Unknown usernames are counted, refused and timed exactly like known
ones (their password is checked against a dummy hash of the configured method), so the
answers tell no one which names exist.

The counts live in the database (staff_login_failures): every gunicorn worker and every host
sees the same counts, with or without Redis, and a restart forgets nothing.
"""

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from service.core import clock
from service.extensions import db
from service.models.accounts import Admin, StaffLoginFailure
from service.web.errors import ApiError, abort

FREE_FAILURES = 5
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)
_dummy_hashes: dict[str, str] = {}


def authenticate(username: str, password: str, address: str | None) -> Admin:
    """The active account `username` with `password`; 401 or 429 in the error shape."""
    key = (username.strip().casefold()[:64], (address or "unknown")[:45])
    refuse_while_slowed(key)
    admin = db.session.scalar(select(Admin).where(Admin.username == username))
    valid = check_password_hash(admin.password_hash if admin else dummy_hash(), password)
    if admin is None or not valid or not admin.is_active:
        record_failure(key)
        abort(401, "invalid_credentials", "用户名或密码错误")
    db.session.execute(delete(StaffLoginFailure).where(*_matches(key)))
    return admin


def dummy_hash() -> str:
    """A hash of the configured method, checked when the username is unknown."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("not-a-real-password", method=method)
    return _dummy_hashes[method]


def refuse_while_slowed(key: tuple[str, str]) -> None:
    """429 while the delay earned by this (username, address)'s failures runs."""
    row = db.session.get(StaffLoginFailure, key)
    now = clock.now()
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return
    seconds = math.ceil((row.blocked_until - now).total_seconds())
    wait = f"{seconds}秒" if seconds < 60 else f"{math.ceil(seconds / 60)}分钟"
    raise ApiError(429, "login_slowed", f"登录失败次数较多，为保护账号安全，请{wait}后再试",
                   headers={"Retry-After": str(seconds)})


def delay_after(failures: int) -> timedelta | None:
    """How long attempts wait after `failures` failures in a row (None: not at all)."""
    if failures < FREE_FAILURES:
        return None
    return min(timedelta(seconds=2 ** min(failures - FREE_FAILURES, 20)), MAX_DELAY)


def record_failure(key: tuple[str, str]) -> None:
    """Count one failure (one UPDATE, so concurrent failures all count) and commit it."""
    now = clock.now()
    db.session.execute(delete(StaffLoginFailure)
                       .where(StaffLoginFailure.last_failed_at < now - FORGET_AFTER))
    if not _increment(key, now):
        try:
            with db.session.begin_nested():
                db.session.add(StaffLoginFailure(username=key[0], address=key[1], failures=1,
                                                 last_failed_at=now))
        except IntegrityError:  # a concurrent failure inserted it first
            _increment(key, now)
    row = db.session.get(StaffLoginFailure, key, populate_existing=True)
    delay = delay_after(row.failures)
    row.blocked_until = now + delay if delay else None
    db.session.commit()


def _matches(key):
    return StaffLoginFailure.username == key[0], StaffLoginFailure.address == key[1]


def _increment(key, now) -> bool:
    result = db.session.execute(
        update(StaffLoginFailure).where(*_matches(key))
        .values(failures=StaffLoginFailure.failures + 1, last_failed_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount > 0
