"""Retrying a short write transaction that lost a lock race (not a rule violation)."""

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError

from service.extensions import db

# MySQL/MariaDB: 1205 lock wait timeout, 1213 deadlock; both ask the client to retry.
_MYSQL_RETRY_CODES = {1205, 1213}
# 1305: a savepoint is gone because the database rolled the whole transaction back (the
# victim of a deadlock, among them one with a migration's metadata lock).
_MYSQL_TRANSACTION_GONE = 1305
T = TypeVar("T")


def lost_lock_race(exc: OperationalError) -> bool:
    """Whether the database refused the statement only because another writer held a lock."""
    args = getattr(exc.orig, "args", ())
    if args and args[0] in _MYSQL_RETRY_CODES:
        return True
    return "database is locked" in str(exc.orig)  # SQLite


def transaction_lost(exc: OperationalError) -> bool:
    """Whether the database gave up on the transaction for a lock (its work is undone, and
    running it again from the start is what the database asks)."""
    args = getattr(exc.orig, "args", ())
    return lost_lock_race(exc) or bool(args and args[0] == _MYSQL_TRANSACTION_GONE)


def with_lock_retries(work: Callable[[], T], attempts: int = 5) -> T:
    """Run `work` (which commits); on a lost lock race roll back and run it again."""
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError as exc:
            if attempt == attempts - 1 or not lost_lock_race(exc):
                raise
            db.session.rollback()
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise AssertionError("unreachable")
