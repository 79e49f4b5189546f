"""A member's own requests: transfer (会籍转移), withdrawal (退会), their events, reminders."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core import clock
from service.core.database import one_of
from service.extensions import db
from service.models.members import Member
from service.models.orgs import Org

TRANSFER_STATUSES = ("pending_release", "pending_accept", "completed", "refused", "cancelled")
TRANSFER_OPEN = ("pending_release", "pending_accept")
WITHDRAWAL_STATUSES = ("pending", "confirmed", "cancelled")
# A request still open holds its member's id in a unique column; a closed one does not.
# So a member can never have two open transfers (or withdrawals), however they race.
TRANSFER_LIVE_CHECK = ("(status IN ('pending_release', 'pending_accept') AND "
                       "live_member_id IS NOT NULL) OR "
                       "(status IN ('completed', 'refused', 'cancelled') AND "
                       "live_member_id IS NULL)")
WITHDRAWAL_LIVE_CHECK = ("(status = 'pending' AND live_member_id IS NOT NULL) OR "
                         "(status IN ('confirmed', 'cancelled') AND live_member_id IS NULL)")
ITEM_KINDS = ("join_application", "transfer", "withdrawal")
REMINDER_KINDS = ("due_soon", "escalated")


class TransferRequest(db.Model):
    """A member asks to move to another org: the current org releases, the new one accepts."""

    __tablename__ = "transfer_requests"
    __table_args__ = (
        CheckConstraint(one_of("status", TRANSFER_STATUSES), name="status"),
        CheckConstraint(TRANSFER_LIVE_CHECK, name="live_member"),
        Index("ix_transfer_requests_from_status", "from_org_id", "status"),
        Index("ix_transfer_requests_to_status", "to_org_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    live_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), unique=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    to_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="pending_release")
    refuse_reason: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    due_on_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    released_at: Mapped[datetime | None]
    released_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    # The history row the completed move wrote.
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("member_transfers.id"))

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    from_org: Mapped[Org] = relationship(foreign_keys=[from_org_id])
    to_org: Mapped[Org] = relationship(foreign_keys=[to_org_id])


class WithdrawalRequest(db.Model):
    """A member asks to leave (退会); the org confirms and the card stops."""

    __tablename__ = "withdrawal_requests"
    __table_args__ = (
        CheckConstraint(one_of("status", WITHDRAWAL_STATUSES), name="status"),
        CheckConstraint(WITHDRAWAL_LIVE_CHECK, name="live_member"),
        Index("ix_withdrawal_requests_org_status", "org_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    live_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    due_on: Mapped[date] = mapped_column(Date, index=True)
    due_on_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    confirmed_at: Mapped[datetime | None]
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    org: Mapped[Org] = relationship()


class MembershipEvent(db.Model):
    """Every step of a member's transfer, holding or withdrawal: what, who, when."""

    __tablename__ = "membership_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    subject: Mapped[str] = mapped_column(String(16))  # transfer, withdrawal, holding, rejoin
    subject_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=clock.now)


class DeadlineReminder(db.Model):
    """A reminder to a reviewer about an item near or past its due date, sent once.

    Staff accounts have no WeChat openid, so a reminder is this row (the reviewer's inbox);
    the unique key makes `flask deadlines remind` send nothing twice."""

    __tablename__ = "deadline_reminders"
    __table_args__ = (
        CheckConstraint(one_of("item_kind", ITEM_KINDS), name="item_kind"),
        CheckConstraint(one_of("kind", REMINDER_KINDS), name="kind"),
        UniqueConstraint("item_kind", "item_id", "kind", "admin_id",
                         name="uq_deadline_reminders_once"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    org: Mapped[Org] = relationship()
