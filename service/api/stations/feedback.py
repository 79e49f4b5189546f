"""Members report on a station; WeChat checks the text first (service/stations/feedback.py).

When WeChat cannot be reached the member gets 503 and nothing is stored.
"""

from flask.views import MethodView

from service.api.stations.schemas import StationFeedbackInputSchema, StationFeedbackSchema
from service.extensions import db
from service.identity.auth import current_user, member_required
from service.models.stations import MOTHER_BABY_ROOM, Station
from service.stations.feedback import submit_feedback
from service.web.blueprint import Blueprint, errors
from service.web.errors import abort
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
        """Report that a station is closed, misplaced, wrong, or praise it."""
        user = current_user()
        station = db.session.get(Station, station_id)
        if station is None or station.status == "closed" or (
                station.kind == MOTHER_BABY_ROOM and not station.is_public):
            abort(404, "station_not_found", "站点不存在或已关闭")
        feedback = submit_feedback(user, station, data["type"], data["content"])
        db.session.commit()
        return feedback

