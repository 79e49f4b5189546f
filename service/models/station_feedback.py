"""What members report about a station, moderated by WeChat before staff act on it."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core import clock
from service.core.database import one_of
from service.extensions import db
from service.models.stations import Station

FEEDBACK_TYPES = {
    "closed": "站点已关闭",
    "wrong_location": "位置不准确",
    "wrong_info": "信息有误",
    "praise": "表扬",
    "other": "其他",
}
# visible: passed the content check; held: WeChat said risky or review; resolved: handled.
FEEDBACK_STATUSES = ("visible", "held", "resolved")
MODERATION_VERDICTS = ("pass", "review", "risky")  # WeChat's msg_sec_check `suggest`


class StationFeedback(db.Model):
    __tablename__ = "station_feedback"
    __table_args__ = (
        CheckConstraint(one_of("type", FEEDBACK_TYPES), name="type"),
        CheckConstraint(one_of("status", FEEDBACK_STATUSES), name="status"),
        CheckConstraint(one_of("moderation", MODERATION_VERDICTS), name="moderation"),
        Index("ix_station_feedback_station", "station_id", "id"),
        Index("ix_station_feedback_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    type: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))
    # WeChat msg_sec_check v2: suggest, label and trace id, kept for appeals.
    moderation: Mapped[str] = mapped_column(String(8))
    moderation_label: Mapped[int | None] = mapped_column(Integer)
    moderation_trace_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("admins.id"))
    resolution_note: Mapped[str | None] = mapped_column(String(500))

    station: Mapped[Station] = relationship()
