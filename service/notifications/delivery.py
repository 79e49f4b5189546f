"""Delivering the outbox as WeChat subscribe messages: claimed, sent, retried, never lost."""

import logging
import signal
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from service.core import clock
from service.core.database import REPLICA
from service.extensions import db, wechat
from service.joining import figures
from service.models import heartbeat
from service.models.accounts import User
from service.models.outbox import OutboxMessage
from service.stations import counts as station_counts
from service.wechat import UserNotSubscribed, WeChatError

log = logging.getLogger(__name__)

UNCERTAIN = "worker stopped during delivery: not resent, delivery unknown"
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=2)
BATCH = 50
FIGURES_LOOK_SECONDS = 10


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the `attempts`-th failure: 30 s, 1 min, 2 min ... 2 h."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def claim_lease() -> timedelta:
    """How long a claim lasts: longer than one send (WeChat timeouts are seconds)."""
    return timedelta(seconds=current_app.config["OUTBOX_CLAIM_SECONDS"])


def _due(now: datetime):
    return (OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
            OutboxMessage.sending_at.is_(None),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))


def settle_interrupted(now: datetime) -> int:
    """Record as failed the messages whose worker died during the call to WeChat."""
    settled = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.status == "pending",
                                    OutboxMessage.sending_at.is_not(None),
                                    OutboxMessage.claimed_until < now)
        .values(status="failed", claimed_until=None, last_error=UNCERTAIN)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return settled.rowcount


def claim(message_id: int, now: datetime) -> datetime | None:
    """Take a due message for this worker; returns the claim (its expiry) or None."""
    claimed_until = now + claim_lease()
    # Counting the attempt at claim time: a message that kills its worker still runs out.
    taken = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, *_due(now))
        .values(claimed_until=claimed_until, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return claimed_until if taken.rowcount == 1 else None


def _finish(message_id: int, claimed_until: datetime, **values) -> None:
    # Only while our claim holds: a worker that outlived its lease must not overwrite.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_until == claimed_until)
        .values(claimed_until=None, sending_at=None, **values)
        .execution_options(synchronize_session=False))
    db.session.commit()


def send(message_id: int, claimed_until: datetime, now: datetime) -> str:
    """Send one claimed message and record the outcome: sent, not_subscribed, retry, failed."""
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    openid = db.session.scalar(select(User.openid).where(User.id == message.user_id))
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_until == claimed_until)
        .values(sending_at=clock.now()).execution_options(synchronize_session=False))
    db.session.commit()
    try:
        wechat.client.send_subscribe_message(openid, message.template_id, message.data,
                                             message.page)
    except UserNotSubscribed as exc:
        _finish(message_id, claimed_until, status="not_subscribed",
                last_error=f"{exc.errcode} user did not subscribe")
        return "not_subscribed"
    except WeChatError as exc:
        error = f"{type(exc).__name__} errcode={exc.errcode}"[:255]
        if message.attempts >= MAX_ATTEMPTS:
            _finish(message_id, claimed_until, status="failed", last_error=error)
            return "failed"
        _finish(message_id, claimed_until, last_error=error,
                next_attempt_at=now + retry_delay(message.attempts))
        return "retry"
    _finish(message_id, claimed_until, status="sent", sent_at=clock.now(), last_error=None)
    return "sent"


def deliver_due(now: datetime | None = None, limit: int = BATCH,
                stop: threading.Event | None = None) -> Counter:
    """Claim and send up to `limit` due messages, committing after each one; once `stop`
    is set, no further message is claimed (a stopping worker ends within one send, not a
    batch of sends that may each wait on an unreachable WeChat)."""
    now = now or clock.now()
    outcomes: Counter = Counter()
    if interrupted := settle_interrupted(now):
        outcomes["interrupted"] += interrupted
    due_ids = db.session.scalars(
        select(OutboxMessage.id).where(*_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)).all()
    for message_id in due_ids:
        if stop is not None and stop.is_set():
            break
        claimed_until = claim(message_id, now)
        if claimed_until is None:
            outcomes["taken_by_another"] += 1
            continue
        outcomes[send(message_id, claimed_until, now)] += 1
    return outcomes


class _Heartbeats:
    """With a replica configured, the always-running worker also beats the primary's
    heartbeat (service/models/heartbeat.py) every BEAT_SECONDS."""

    def __init__(self):
        self.on = db.engines.get(REPLICA) is not None
        self.last = float("-inf")

    def beat_if_due(self) -> None:
        if self.on and time.monotonic() - self.last >= heartbeat.BEAT_SECONDS:
            heartbeat.beat()
            self.last = time.monotonic()


class _Figures:
    """The worker also folds the staff figures' changes in, once a minute
    (service/joining/figures.py, and the stations' service/stations/counts.py); it looks
    every FIGURES_LOOK_SECONDS."""

    def __init__(self):
        self.last = float("-inf")

    def fold_if_due(self) -> None:
        if time.monotonic() - self.last >= FIGURES_LOOK_SECONDS:
            self.last = time.monotonic()
            figures.fold_if_due()
            station_counts.fold_if_due()


def run_worker(once: bool = False, idle_seconds: float = 2.0, report=log.info) -> Counter:
    """Deliver until stopped (SIGTERM/SIGINT finish the current message first), or drain once."""
    stop = threading.Event()
    if not once:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    total: Counter = Counter()
    beats, folds = _Heartbeats(), _Figures()
    while not stop.is_set():
        try:
            beats.beat_if_due()
            folds.fold_if_due()
            outcomes = deliver_due(stop=stop)
        except Exception:
            if once:
                raise
            log.exception("outbox delivery round failed; retrying")
            outcomes = Counter()
        finally:
            db.session.remove()  # a fresh session per round: nothing stale, nothing piling up
        total.update(outcomes)
        if outcomes:
            report(" ".join(f"{name}={count}" for name, count in sorted(outcomes.items())))
        if sum(outcomes.values()) < BATCH:
            if once:
                break
            stop.wait(idle_seconds)
    return total
