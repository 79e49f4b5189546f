"""The overview for staff: figures of their own subtree."""

from flask.views import MethodView

from service.api.members.schemas import (
    FunnelQuerySchema,
    FunnelSchema,
    GroupFiguresSchema,
    StatsOverviewSchema,
    StatsQuerySchema,
)
from service.identity.auth import admin_required, current_admin, get_scoped
from service.joining.funnel import figures_by_group, join_code_funnel
from service.joining.membership import org_brief
from service.joining.stats import membership_overview
from service.models.orgs import Org
from service.web.blueprint import Blueprint, errors

blp = Blueprint("stats", __name__, description="统计")


def _root(args) -> Org:
    return get_scoped(Org, args["org_id"]) if "org_id" in args else current_admin().org


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
        root = _root(args)
        return {"org": org_brief(root), **membership_overview(root)}


@blp.route("/groups")
class StatsByGroup(MethodView):
    @admin_required()
    @blp.arguments(StatsQuerySchema, location="query")
    @blp.response(200, GroupFiguresSchema)
    @errors(404)
    def get(self, args):
        """新就业形态群体统计

        货车司机、网约车司机、快递员、外卖配送员和其他职工的会员数与入会申请数，
        按区县和月份（近 12 个月）分列；保留会籍的会员单独计数。
        """
        return figures_by_group(_root(args))


@blp.route("/join-codes")
class JoinCodeFunnel(MethodView):
    @admin_required()
    @blp.arguments(FunnelQuerySchema, location="query")
    @blp.response(200, FunnelSchema)
    @errors(404)
    def get(self, args):
        """入会码转化统计

        每个入会码在日期区间内的扫码次数、扫码后登录人数、入会申请数和通过数。
        """
        return join_code_funnel(_root(args), args)
