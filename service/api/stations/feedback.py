"""Members report on a station; WeChat checks the text first (service/stations/feedback.py).

When WeChat cannot be reached the member gets 503 and nothing is stored.
"""

from flask.views import MethodView

from service.api.stations.schemas import StationFeedbackInputSchema, StationFeedbackSchema
from service.extensions import db
from service.identity.auth import current_user, member_required
from service.stations import search
from service.stations.feedback import submit_feedback
from service.web.blueprint import Blueprint, errors
from service.web.limits import limit_submissions

blp = Blueprint("station_feedback", __name__, description="站点反馈")


@blp.route("/<int:station_id>/feedback")
class FeedbackSubmit(MethodView):
    decorators = [limit_submissions]

    @member_required
    @blp.arguments(StationFeedbackInputSchema)
    @blp.response(201, StationFeedbackSchema)
    @errors(404)
    def post(self, data, station_id):
        """提交站点反馈

        反映站点已关闭、位置不准、信息有误，或给予好评。
        """
        user = current_user()
        station = search.public_station(station_id)
        feedback = submit_feedback(user, station, data["type"], data["content"])
        db.session.commit()
        return feedback

