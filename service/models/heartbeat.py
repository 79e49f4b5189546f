"""The primary's heartbeat: a row the worker rewrites every few seconds on the primary, and
`/metrics` reads on the replica, so the replica's lag is measured by the service itself
(the technique of pt-heartbeat), with no replication privilege needed.

The lag read this way is the time since the last beat the replica holds: at most
BEAT_SECONDS more than the true lag, and growing without bound when replication stops.
"""

from datetime import datetime

from sqlalchemy import String, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.core import clock
from service.extensions import db

PRIMARY = "primary"
BEAT_SECONDS = 5


class Heartbeat(db.Model):
    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    beat_at: Mapped[datetime]


def beat() -> None:
    """Write the primary's time now, in a transaction of its own."""
    table = Heartbeat.__table__
    now = clock.now()
    with db.engine.begin() as connection:
        written = connection.execute(update(table).where(table.c.name == PRIMARY)
                                     .values(beat_at=now))
        if written.rowcount:
            return
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(table).values(name=PRIMARY, beat_at=now))
    except IntegrityError:  # another worker wrote the first beat meanwhile
        pass


def replica_lag_seconds(replica: Session) -> float | None:
    """Seconds since the last beat the replica holds; None before the first beat."""
    beat_at = replica.scalar(select(Heartbeat.beat_at).where(Heartbeat.name == PRIMARY))
    return None if beat_at is None else max(0.0, (clock.now() - beat_at).total_seconds())
