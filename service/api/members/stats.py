"""The overview for staff: figures of their own subtree."""

from flask.views import MethodView

from service.api.members.schemas import StatsOverviewSchema, StatsQuerySchema
from service.identity.auth import admin_required, current_admin, get_scoped
from service.joining.membership import org_brief
from service.joining.stats import membership_overview
from service.models.orgs import Org
from service.web.blueprint import Blueprint, errors

blp = Blueprint("stats", __name__, description="统计")


@blp.route("/overview")
class StatsOverview(MethodView):
    @admin_required()
    @blp.arguments(StatsQuerySchema, location="query")
    @blp.response(200, StatsOverviewSchema)
    @errors(404)
    def get(self, args):
        """会员与入会申请统计

        按职业群体、组织和月份统计会员数和入会申请数。
        """
        root = get_scoped(Org, args["org_id"]) if "org_id" in args else current_admin().org
        return {"org": org_brief(root), **membership_overview(root)}
