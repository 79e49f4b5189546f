"""Feedback on stations: WeChat's content check decides where the text goes; staff resolve it.

`pass` is visible to staff at once, `risky` and `review` are held (shown to staff flagged,
never anywhere else). When WeChat cannot be reached nothing is stored, so unchecked text
never lands.
"""

from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager

from service.core import clock
from service.extensions import db, wechat
from service.identity import audit
from service.identity.auth import scope_org_ids
from service.models.accounts import Admin, User
from service.models.station_feedback import StationFeedback
from service.models.stations import Station
from service.web.errors import abort


def submit_feedback(user: User, station: Station, kind: str, content: str) -> StationFeedback:
    """Add a member's feedback, checked by WeChat first (422 when the text is blank)."""
    content = content.strip()
    if not content:
        abort(422, "validation_failed", "内容不能为空", {"json": {"content": ["不能为空"]}})
    verdict = wechat.client.msg_sec_check(user.openid, content)
    feedback = StationFeedback(
        station=station, user_id=user.id, type=kind, content=content,
        status="visible" if verdict["suggest"] == "pass" else "held",
        moderation=verdict["suggest"], moderation_label=verdict.get("label"),
        moderation_trace_id=verdict.get("trace_id"))
    db.session.add(feedback)
    return feedback


def feedback_in_scope(filters: dict):
    """A SELECT of the feedback on the caller's subtree's stations, newest first."""
    query = (select(StationFeedback).join(StationFeedback.station)
             .options(contains_eager(StationFeedback.station))
             .where(Station.org_id.in_(scope_org_ids()))
             .order_by(StationFeedback.id.desc()))
    for name in ("status", "type", "station_id"):
        if name in filters:
            query = query.where(getattr(StationFeedback, name) == filters[name])
    return query


def resolve_feedback(feedback: StationFeedback, admin: Admin, note: str | None) -> None:
    """Mark feedback handled (audited); 409 when someone resolved it first."""
    # One conditional UPDATE: of two staff resolving at once, one wins, the other gets 409.
    resolved = db.session.execute(
        update(StationFeedback)
        .where(StationFeedback.id == feedback.id, StationFeedback.status != "resolved")
        .values(status="resolved", resolved_at=clock.now(), resolved_by=admin.id,
                resolution_note=note)).rowcount
    if not resolved:
        abort(409, "feedback_resolved", "该反馈已处理")
    audit.record("station_feedback.resolve", object_type="station_feedback",
                 object_id=feedback.id, org_id=feedback.station.org_id)
