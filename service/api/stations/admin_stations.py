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
        """Stations of the caller's subtree (any status), newest first."""
        return paginate(stations_in_scope(args), args)

    @admin_required(ROLE)
    @blp.arguments(StationCreateSchema)
    @blp.response(201, StationSchema)
    @errors(404, 409)
    def post(self, data):
        """Add a station to an org of the caller's subtree (the caller's own by default)."""
        station = add_station(data)
        db.session.commit()
        return station


@blp.route("/<int:station_id>")
class StationLedgerEntry(MethodView):
    @admin_required(ROLE)
    @blp.response(200, StationSchema)
    @errors(404)
    def get(self, station_id):
        """One station of the caller's subtree, whatever its status."""
        return get_scoped(Station, station_id)

    @admin_required(ROLE)
    @blp.arguments(StationChangeSchema)
    @blp.response(200, StationSchema)
    @errors(404, 409)
    def patch(self, data, station_id):
        """Change the fields given; lat and lng go together (with `coord`)."""
        station = change_station(station_id, data)
        db.session.commit()
        return station

    @admin_required(ROLE)
    @blp.response(204)
    @errors(404)
    def delete(self, station_id):
        """Close a station: it leaves the map but stays in the ledger with its feedback."""
        close_station(station_id)
        db.session.commit()
