"""Claims on a person's ID number held by another account, decided by the holding org."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core import clock
from service.extensions import db
from service.models.members import JoinApplication
from service.models.orgs import Org

DISPUTE_STATUSES = ("open", "moved", "rejected")


class JoinDispute(db.Model):
    """A `disputed` application against the account that held the ID number when it came."""

    __tablename__ = "join_disputes"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'moved', 'rejected')", name="status"),
        Index("ix_join_disputes_holder_status", "holder_org_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("join_applications.id"),
                                                unique=True)
    # The org that held the membership or the live application: its staff decide.
    holder_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    # The live application that held the ID number then (behind a membership, or pending).
    holder_application_id: Mapped[int] = mapped_column(ForeignKey("join_applications.id"))
    status: Mapped[str] = mapped_column(String(10), default="open")
    note: Mapped[str | None] = mapped_column(String(200))
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)

    application: Mapped[JoinApplication] = relationship(foreign_keys=[application_id])
    holder_application: Mapped[JoinApplication] = relationship(
        foreign_keys=[holder_application_id])
    holder_org: Mapped[Org] = relationship()
