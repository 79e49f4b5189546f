"""Joining the union: applications, members (one per person) and their transfers."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core import clock
from service.core.database import one_of
from service.core.pii import Encrypted, blind_index_of
from service.domain.enums import GENDERS, OCCUPATIONS
from service.domain.phone import phone_tail
from service.extensions import db
from service.models.accounts import User
from service.models.join_codes import JoinCode
from service.models.orgs import Org

# `disputed`: the person's ID number is held by another account; staff of the holding org
# decide (service/joining/disputes.py). It holds no live person index.
APPLICATION_STATUSES = ("pending", "approved", "rejected", "disputed")
# held: 保留会籍 (counted apart, pays nothing, keeps the card); withdrawn: 退会 (card stops).
MEMBER_STATUSES = ("active", "held", "withdrawn")
HOLD_REASONS = ("no_union", "left_work")


# An approved application gives its index up when the membership is withdrawn, so the
# person may apply again (the member row keeps the person's unique index meanwhile).
ACTIVE_PERSON_CHECK = ("(status IN ('rejected', 'disputed') AND active_person_index IS NULL) OR "
                       "(status = 'pending' AND active_person_index IS NOT NULL) OR "
                       "status = 'approved'")


class PersonDetails:
    """What an applicant tells about themselves; copied onto the member on approval."""

    name: Mapped[str] = mapped_column(String(50), index=True)
    id_number: Mapped[str] = mapped_column(Encrypted)
    gender: Mapped[str] = mapped_column(String(6))
    birth_date: Mapped[date] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(Encrypted)
    phone_index: Mapped[str] = mapped_column(String(64), index=True,
                                             info=blind_index_of("phone"))
    occupation: Mapped[str] = mapped_column(String(32))
    employer: Mapped[str | None] = mapped_column(String(100))
    household_type: Mapped[str | None] = mapped_column(String(20))
    ethnicity: Mapped[str | None] = mapped_column(String(2))
    political_status: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[str | None] = mapped_column(String(20))
    residence_district_code: Mapped[str | None] = mapped_column(String(6))


def _person_checks() -> tuple:
    return (CheckConstraint(one_of("gender", GENDERS), name="gender"),
            CheckConstraint(one_of("occupation", OCCUPATIONS), name="occupation"))


class JoinApplication(PersonDetails, db.Model):
    __tablename__ = "join_applications"
    __table_args__ = (
        *_person_checks(),
        CheckConstraint(one_of("status", APPLICATION_STATUSES), name="status"),
        # A live (pending or approved) application holds the person's blind index in a
        # unique column; a rejected or disputed one does not. So two submissions for one
        # person can never both be live, however they race.
        CheckConstraint(ACTIVE_PERSON_CHECK, name="active_person"),
        Index("ix_join_applications_org_status", "org_id", "status"),
        Index("ix_join_applications_code_status", "join_code_id", "status"),
        Index("ix_join_applications_user_status", "user_id", "status"),
        # The queue's order (service/joining/roster.py deadline_order), read in order.
        Index("ix_join_applications_due_order", "due_unset", "due_on", "id"),
        Index("ix_join_applications_status_due_order", "status", "due_unset", "due_on", "id"),
        # The queue's size and oldest application read from the index alone (the 工作台).
        Index("ix_join_applications_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    join_code_id: Mapped[int | None] = mapped_column(ForeignKey("join_codes.id"))
    id_index: Mapped[str] = mapped_column(String(64), index=True,
                                          info=blind_index_of("id_number"))
    active_person_index: Mapped[str | None] = mapped_column(String(64), unique=True,
                                                            info=blind_index_of("id_number"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    reject_reason: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    # When the applicant may expect an answer (working days, service/core/workdays.py).
    due_on: Mapped[date | None] = mapped_column(Date)
    due_on_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    # 1 without a due date: those come last in the queue, and an index can hold the order.
    due_unset: Mapped[int] = mapped_column(Integer, Computed(
        "CASE WHEN due_on IS NULL THEN 1 ELSE 0 END", persisted=False))
    # The privacy notice version the applicant accepted (service/joining/privacy.py).
    consent_version: Mapped[str | None] = mapped_column(String(16))
    # When its personal data was removed (erasure or the retention purge); counts stay.
    erased_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    org: Mapped[Org] = relationship()
    join_code: Mapped[JoinCode | None] = relationship()
    member: Mapped["Member | None"] = relationship(back_populates="application")

    @property
    def member_no(self) -> str | None:
        return self.member.member_no if self.member else None


class Member(PersonDetails, db.Model):
    """A union member: one row per person (the ID number's blind index is unique)."""

    __tablename__ = "members"
    __table_args__ = (
        *_person_checks(),
        CheckConstraint(one_of("status", MEMBER_STATUSES), name="status"),
        CheckConstraint("hold_reason IS NULL OR hold_reason IN ('no_union', 'left_work')",
                        name="hold_reason"),
        Index("ix_members_org_status", "org_id", "status"),
        Index("ix_members_org_joined", "org_id", "joined_at"),
        Index("ix_members_org_occupation", "org_id", "occupation"),
        # A search or filter counted from the index alone, the member's org in it.
        Index("ix_members_name_org", "name", "org_id"),
        Index("ix_members_occupation_org", "occupation", "org_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # One WeChat account holds one membership, so "my card" is never ambiguous.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("join_applications.id"),
                                                unique=True)
    person_index: Mapped[str] = mapped_column(String(64), unique=True,
                                              info=blind_index_of("id_number"))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    member_no: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    hold_reason: Mapped[str | None] = mapped_column(String(10))
    joined_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    # The phone's last four digits, which the masked phone shows anyway: staff search by
    # them (service/joining/roster.py). Kept by `_keep_phone_tail` below.
    phone_tail: Mapped[str | None] = mapped_column(String(4), index=True)
    erased_at: Mapped[datetime | None]

    org: Mapped[Org] = relationship()
    application: Mapped[JoinApplication] = relationship(back_populates="member")
    transfers: Mapped[list["MemberTransfer"]] = relationship(
        order_by="MemberTransfer.id", viewonly=True)


@event.listens_for(Member, "before_insert")
@event.listens_for(Member, "before_update")
def _keep_phone_tail(mapper, connection, member: Member) -> None:
    member.phone_tail = phone_tail(member.phone)


class MemberTransfer(db.Model):
    """One move of a member from an org to another (会籍转移), kept as history."""

    __tablename__ = "member_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    to_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    at: Mapped[datetime] = mapped_column(default=clock.now)

    from_org: Mapped[Org] = relationship(foreign_keys=[from_org_id])
    to_org: Mapped[Org] = relationship(foreign_keys=[to_org_id])
