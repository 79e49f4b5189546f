"""Refund applications, their status history and their attachments."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
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
from service.models.orgs import Org
from service.models.refunds import Enterprise, RefundPolicy

STATUSES = ("draft", "submitted", "approved", "rejected", "paid")
ATTACHMENT_KINDS = ("tax_receipt", "business_license", "union_certificate", "other")


class RefundApplication(db.Model):
    """One enterprise's refund application for one year."""

    __tablename__ = "refund_applications"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "year"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
        CheckConstraint("paid_fen >= 0 AND refundable_fen >= 0", name="amounts"),
        CheckConstraint("payout_fen IS NULL OR payout_fen >= 0", name="payout_fen"),
        Index("ix_refund_applications_org_status", "org_id", "status"),
        # The figures by status read from the index alone (service/refunds/ledger.py).
        Index("ix_refund_applications_status_sums", "status", "org_id", "paid_fen",
              "refundable_fen", "payout_fen"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("refund_enterprises.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("refund_policies.id"))
    # Copied from the enterprise when assessed, so staff lists filter on one indexed table.
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    district_code: Mapped[str] = mapped_column(String(6), index=True)
    size_class: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer, index=True)
    paid_fen: Mapped[int] = mapped_column(BigInteger)
    refundable_fen: Mapped[int] = mapped_column(BigInteger)
    eligible: Mapped[bool] = mapped_column(Boolean)
    ineligible_reasons: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # Bumped by every transition; a transition only applies to the status it was read in.
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    payout_fen: Mapped[int | None] = mapped_column(BigInteger)
    payout_on: Mapped[date | None] = mapped_column(Date)
    payout_voucher_no: Mapped[str | None] = mapped_column(String(64))
    payout_reason: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    policy: Mapped[RefundPolicy] = relationship()
    org: Mapped[Org] = relationship()
    history: Mapped[list["RefundStatusChange"]] = relationship(
        order_by="RefundStatusChange.id", back_populates="application")
    attachments: Mapped[list["RefundAttachment"]] = relationship(
        order_by="RefundAttachment.id", back_populates="application")


class RefundStatusChange(db.Model):
    """One step of an application's history: who moved it, when, from where to where, why."""

    __tablename__ = "refund_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("refund_applications.id"),
                                                index=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str | None] = mapped_column(String(128))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))

    application: Mapped[RefundApplication] = relationship(back_populates="history")


class RefundAttachment(db.Model):
    """A file of an application, stored under UPLOAD_DIR by a random name."""

    __tablename__ = "refund_attachments"
    __table_args__ = (
        CheckConstraint(one_of("kind", ATTACHMENT_KINDS), name="kind"),
        CheckConstraint("size_bytes > 0", name="size_bytes"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("refund_applications.id"),
                                                index=True)
    kind: Mapped[str] = mapped_column(String(32))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    # Shown to people only; never part of a path.
    original_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    application: Mapped[RefundApplication] = relationship(back_populates="attachments")
