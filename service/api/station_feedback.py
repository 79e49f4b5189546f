"""Members report on a station; WeChat checks the text; staff triage it in their subtree.

WeChat's verdict decides where the text goes: `pass` is visible to staff at once, `risky`
and `review` are held (shown to staff flagged, never anywhere else). When WeChat cannot be
reached the member gets 503 and nothing is stored, so unchecked text never lands.
"""

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager

from service.api.schemas import PageArgs, envelope
from service.core import clock
from service.extensions import db, wechat
from service.identity import audit
from service.identity.auth import (
    admin_required,
    current_admin,
    current_user,
    get_scoped,
    member_required,
    scope_org_ids,
)
from service.models.station_feedback import FEEDBACK_STATUSES, FEEDBACK_TYPES, StationFeedback
from service.models.stations import Station
from service.stations.search import public_station
from service.web.blueprint import Blueprint
from service.web.errors import abort
from service.web.limits import limit_submissions
from service.web.pages import paginate

blp = Blueprint("station_feedback", __name__, description="站点反馈")


class StationFeedbackInputSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(FEEDBACK_TYPES))
    content = fields.String(required=True, validate=validate.Length(min=1, max=500))


class StationFeedbackSchema(Schema):
    id = fields.Integer()
    station_id = fields.Integer()
    station_name = fields.String(attribute="station.name")
    type = fields.String()
    content = fields.String()
    status = fields.String(metadata={"description": "visible | held（内容安全待复核）| resolved"})
    moderation = fields.String(metadata={"description": "微信内容安全结论 pass|review|risky"})
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolution_note = fields.String(allow_none=True)


class StationFeedbackQuerySchema(PageArgs):
    status = fields.String(validate=validate.OneOf(FEEDBACK_STATUSES))
    type = fields.String(validate=validate.OneOf(FEEDBACK_TYPES))
    station_id = fields.Integer()


class StationFeedbackResolveSchema(Schema):
    note = fields.String(load_default=None, validate=validate.Length(max=500))


@blp.route("/stations/<int:station_id>/feedback")
class FeedbackSubmit(MethodView):
    decorators = [limit_submissions]

    @member_required
    @blp.arguments(StationFeedbackInputSchema)
    @blp.response(201, StationFeedbackSchema)
    def post(self, data, station_id):
        """Report that a station is closed, misplaced, wrong, or praise it."""
        user = current_user()
        station = public_station(station_id)
        content = data["content"].strip()
        if not content:
            abort(422, "validation_failed", "内容不能为空", {"json": {"content": ["不能为空"]}})
        verdict = wechat.client.msg_sec_check(user.openid, content)
        feedback = StationFeedback(
            station=station, user_id=user.id, type=data["type"], content=content,
            status="visible" if verdict["suggest"] == "pass" else "held",
            moderation=verdict["suggest"], moderation_label=verdict.get("label"),
            moderation_trace_id=verdict.get("trace_id"))
        db.session.add(feedback)
        db.session.commit()
        return feedback


@blp.route("/admin/stations/feedback")
class FeedbackList(MethodView):
    @admin_required("station_manager")
    @blp.arguments(StationFeedbackQuerySchema, location="query")
    @blp.response(200, envelope(StationFeedbackSchema))
    def get(self, args):
        """Feedback on the stations of the caller's subtree, newest first."""
        query = (select(StationFeedback).join(StationFeedback.station)
                 .options(contains_eager(StationFeedback.station))
                 .where(Station.org_id.in_(scope_org_ids()))
                 .order_by(StationFeedback.id.desc()))
        for name in ("status", "type", "station_id"):
            if name in args:
                query = query.where(getattr(StationFeedback, name) == args[name])
        return paginate(query, args)


@blp.route("/admin/stations/feedback/<int:feedback_id>/resolve")
class FeedbackResolve(MethodView):
    @admin_required("station_manager")
    @blp.arguments(StationFeedbackResolveSchema)
    @blp.response(200, StationFeedbackSchema)
    def post(self, data, feedback_id):
        """Mark feedback handled, with a note (held feedback included)."""
        feedback = get_scoped(StationFeedback, feedback_id, write=True,
                              org_of=lambda item: item.station.org)
        # One conditional UPDATE: of two staff resolving at once, one wins, the other gets 409.
        resolved = db.session.execute(
            update(StationFeedback)
            .where(StationFeedback.id == feedback.id, StationFeedback.status != "resolved")
            .values(status="resolved", resolved_at=clock.now(), resolved_by=current_admin().id,
                    resolution_note=data["note"])).rowcount
        if not resolved:
            abort(409, "feedback_resolved", "该反馈已处理")
        audit.record("station_feedback.resolve", object_type="station_feedback",
                     object_id=feedback.id, org_id=feedback.station.org_id)
        db.session.commit()
        return feedback
