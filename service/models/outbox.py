"""Notifications to send, written in the same transaction as the change they report."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.core import clock
from service.core.database import one_of
from service.extensions import db

OUTBOX_STATUSES = ("pending", "sent", "failed", "not_subscribed")


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(one_of("status", OUTBOX_STATUSES), name="status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    template_id: Mapped[str] = mapped_column(String(64))
    page: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    # A worker claims a message until this time; a worker that dies lets the claim lapse.
    claimed_until: Mapped[datetime | None]
    # Set just before the call to WeChat: a lapsed claim with this set may have been
    # delivered, so it is recorded as failed rather than sent a second time.
    sending_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    sent_at: Mapped[datetime | None]


def enqueue(user_id: int, template_id: str, data: dict, page: str | None = None) -> None:
    """Queue a subscribe message; it is sent only if the caller's transaction commits."""
    db.session.add(OutboxMessage(user_id=user_id, template_id=template_id, data=data,
                                 page=page))
