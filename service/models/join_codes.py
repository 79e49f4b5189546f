"""Join codes: a mini-program code per org and channel, mapped by a short random scene."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core import clock
from service.extensions import db
from service.models.orgs import Org

# WeChat codes are tens of kilobytes: more than MySQL's BLOB (64 KB) may hold.
IMAGE_TYPE = LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql")


class JoinCode(db.Model):
    """One channel ("饿了么二七站", "集中入会活动") of one org; the image is fetched once."""

    __tablename__ = "join_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    # Carries no personal data: only a random key that maps to org and channel.
    scene: Mapped[str] = mapped_column(String(32), unique=True)
    label: Mapped[str] = mapped_column(String(50))
    page: Mapped[str] = mapped_column(String(255))
    width: Mapped[int] = mapped_column(Integer)
    image: Mapped[bytes] = mapped_column(IMAGE_TYPE, deferred=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    scan_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    org: Mapped[Org] = relationship()


JOIN_CODE_EVENT_KINDS = ("scan", "login")


class JoinCodeEvent(db.Model):
    """A scan of a join code, or a WeChat sign-in that came from one (the join funnel).

    `user_id` is the account when known; erasing an account clears it, the count stays.
    """

    __tablename__ = "join_code_events"
    __table_args__ = (
        CheckConstraint("kind IN ('scan', 'login')", name="kind"),
        Index("ix_join_code_events_code_kind_at", "join_code_id", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    join_code_id: Mapped[int] = mapped_column(ForeignKey("join_codes.id"))
    kind: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
