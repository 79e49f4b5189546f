"""Staff triage the feedback on the stations of their subtree; held text is shown flagged."""

from flask.views import MethodView

from service.api.common import envelope
from service.api.stations.schemas import (
    StationFeedbackQuerySchema,
    StationFeedbackResolveSchema,
    StationFeedbackSchema,
)
from service.extensions import db
from service.identity.auth import admin_required, current_admin, get_scoped
from service.models.station_feedback import StationFeedback
from service.stations.feedback import feedback_in_scope, resolve_feedback
from service.web.blueprint import Blueprint, errors
from service.web.pages import paginate

blp = Blueprint("station_feedback_admin", __name__, description="站点反馈（工作人员）")



@blp.route("")
class FeedbackList(MethodView):
    @admin_required("station_manager")
    @blp.arguments(StationFeedbackQuerySchema, location="query")
    @blp.response(200, envelope(StationFeedbackSchema))
    def get(self, args):
        """站点反馈列表

        列出所辖范围内站点收到的反馈，最新的在前。
        """
        return paginate(feedback_in_scope(args), args)


@blp.route("/<int:feedback_id>/resolve")
class FeedbackResolve(MethodView):
    @admin_required("station_manager")
    @blp.arguments(StationFeedbackResolveSchema)
    @blp.response(200, StationFeedbackSchema)
    @errors(404, 409)
    def post(self, data, feedback_id):
        """将反馈标记为已处理

        须附处理说明（被暂扣、状态为 `held` 的反馈也可处理）。
        """
        feedback = get_scoped(StationFeedback, feedback_id, write=True,
                              org_of=lambda item: item.station.org)
        resolve_feedback(feedback, current_admin(), data["note"])
        db.session.commit()
        return feedback
