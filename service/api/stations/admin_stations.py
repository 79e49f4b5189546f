"""The station ledger as staff keep it: list, create, change, close (their subtree only)."""

from flask.views import MethodView

from service.api.common import envelope
from service.api.stations.schemas import (
    StationChangeSchema,
    StationCreateSchema,
    StationListArgsSchema,
    StationSchema,
)
from service.extensions import db
from service.identity.auth import admin_required, get_scoped
from service.models.stations import Station
from service.stations.records import add_station, change_station, close_station, stations_in_scope
from service.web.blueprint import Blueprint, errors
from service.web.pages import paginate

blp = Blueprint("admin_stations", __name__, description="站点台账（工作人员）")
ROLE = "station_manager"


@blp.route("")
class Stations(MethodView):
    @admin_required(ROLE)
    @blp.arguments(StationListArgsSchema, location="query")
    @blp.response(200, envelope(StationSchema))
    @errors(404)
    def get(self, args):
        """站点台账列表

        列出所辖范围内的站点（不限状态），最新的在前。
        """
        return paginate(stations_in_scope(args), args)

    @admin_required(ROLE)
    @blp.arguments(StationCreateSchema)
    @blp.response(201, StationSchema)
    @errors(404, 409)
    def post(self, data):
        """新增站点

        站点归属所辖范围内的某个组织（默认为调用者本人所在的组织）。
        """
        station = add_station(data)
        db.session.commit()
        return station


@blp.route("/<int:station_id>")
class StationLedgerEntry(MethodView):
    @admin_required(ROLE)
    @blp.response(200, StationSchema)
    @errors(404)
    def get(self, station_id):
        """查看所辖范围内的一个站点

        不论站点处于何种状态。
        """
        return get_scoped(Station, station_id)

    @admin_required(ROLE)
    @blp.arguments(StationChangeSchema)
    @blp.response(200, StationSchema)
    @errors(404, 409)
    def patch(self, data, station_id):
        """修改站点

        只修改传入的字段；`lat` 与 `lng` 须同时提供（并附 `coord`）。
        """
        station = change_station(station_id, data)
        db.session.commit()
        return station

    @admin_required(ROLE)
    @blp.response(204)
    @errors(404)
    def delete(self, station_id):
        """关闭站点

        站点从地图上撤下，但连同其反馈保留在台账中。
        """
        close_station(station_id)
        db.session.commit()
