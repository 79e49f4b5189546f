"""Refund policies and the enterprises (with their grassroots unions) that apply."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core import clock
from service.core.database import one_of
from service.core.pii import Encrypted
from service.domain.sme import SIZE_CLASS_LABELS
from service.extensions import db
from service.models.orgs import Org

SIZE_CLASSES = tuple(SIZE_CLASS_LABELS)


class RefundPolicy(db.Model):
    """One period's refund rules, kept as data because they change by period and place."""

    __tablename__ = "refund_policies"
    __table_args__ = (
        CheckConstraint("period_start <= period_end", name="period"),
        CheckConstraint("apply_from <= apply_until", name="window"),
        CheckConstraint("grassroots_share >= 0 AND grassroots_share <= refund_ratio "
                        "AND refund_ratio <= 1", name="ratios"),
        CheckConstraint("max_paid_fen IS NULL OR max_paid_fen > 0", name="max_paid_fen"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    period_start: Mapped[date] = mapped_column(Date, index=True)
    period_end: Mapped[date] = mapped_column(Date)
    apply_from: Mapped[date] = mapped_column(Date)
    apply_until: Mapped[date] = mapped_column(Date)
    size_classes_text: Mapped[str] = mapped_column("eligible_size_classes", String(64),
                                                   default="")
    max_paid_fen: Mapped[int | None] = mapped_column(BigInteger)
    refund_ratio: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    grassroots_share: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    @property
    def eligible_size_classes(self) -> list[str]:
        return [c for c in self.size_classes_text.split(",") if c]

    @eligible_size_classes.setter
    def eligible_size_classes(self, classes) -> None:
        unknown = set(classes) - set(SIZE_CLASSES)
        if unknown:
            raise ValueError(f"unknown size classes: {sorted(unknown)}")
        self.size_classes_text = ",".join(c for c in SIZE_CLASSES if c in set(classes))


class Enterprise(db.Model):
    """A small business and its grassroots union, registered by a mini-program user."""

    __tablename__ = "refund_enterprises"
    __table_args__ = (
        CheckConstraint(one_of("size_class", SIZE_CLASSES), name="size_class"),
        CheckConstraint("employees >= 0", name="employees"),
        CheckConstraint("union_uscc LIKE '81%'", name="union_uscc"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The district federation whose subtree holds the enterprise: its staff review.
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    industry: Mapped[str] = mapped_column(String(32))
    employees: Mapped[int] = mapped_column(Integer)
    revenue_wan: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    assets_wan: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    size_class: Mapped[str] = mapped_column(String(8))
    district_code: Mapped[str] = mapped_column(String(6))
    union_name: Mapped[str] = mapped_column(String(100))
    union_uscc: Mapped[str] = mapped_column(String(18), index=True)
    union_established_on: Mapped[date] = mapped_column(Date)
    bank_account_name: Mapped[str] = mapped_column(String(100))
    bank_name: Mapped[str] = mapped_column(String(100))
    bank_account_no: Mapped[str] = mapped_column(Encrypted)
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str] = mapped_column(Encrypted)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    org: Mapped[Org] = relationship(lazy="joined")


CLAIM_STATUSES = ("pending", "approved", "rejected")


class EnterpriseClaim(db.Model):
    """A company's claim to a credit code another account registered, with its licence."""

    __tablename__ = "refund_enterprise_claims"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        CheckConstraint("size_bytes > 0", name="size_bytes"),
        Index("ix_refund_enterprise_claims_org_status", "org_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("refund_enterprises.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # the claimant
    # The enterprise's district federation when filed: its staff decide.
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str | None] = mapped_column(String(500))
    # The business licence (营业执照), stored like refund attachments.
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    org: Mapped[Org] = relationship()
