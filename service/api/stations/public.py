"""Finding stations on the map: nearby, in the viewport, one station. No token needed."""

from flask import current_app
from flask.views import MethodView
from sqlalchemy.orm import joinedload

from service.api.common import envelope
from service.api.stations.schemas import (
    NearbyArgsSchema,
    NearbyResultSchema,
    StationPinSchema,
    StationSchema,
    ViewportArgsSchema,
)
from service.core.database import replica_session
from service.domain.errors import RuleViolation
from service.domain.geo import check_in_china, to_gcj02
from service.models.stations import SERVICE_BITS, Station
from service.stations import search
from service.web.blueprint import Blueprint, errors
from service.web.errors import abort

blp = Blueprint("stations", __name__, description="爱心驿站与母婴室（地图查找）")


def _query_error(exc: RuleViolation):
    abort(422, exc.code, exc.message, {"query": {exc.field or "lat": [exc.message]}})


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """`minLng,minLat,maxLng,maxLat` as floats, checked for order and range."""
    message = "地图范围应为 minLng,minLat,maxLng,maxLat 四个数字，且最小值小于最大值"
    try:
        min_lng, min_lat, max_lng, max_lat = (float(part) for part in text.split(","))
    except ValueError:
        abort(422, "bbox_invalid", message, {"query": {"bbox": [message]}})
    if not (-180 <= min_lng < max_lng <= 180 and -90 <= min_lat < max_lat <= 90):
        abort(422, "bbox_invalid", message, {"query": {"bbox": [message]}})
    return min_lng, min_lat, max_lng, max_lat


@blp.route("/nearby")
class Nearby(MethodView):
    @blp.arguments(NearbyArgsSchema, location="query")
    @blp.response(200, NearbyResultSchema)
    def get(self, args):
        """The nearest open stations (true distance), filtered by kind, services, open now.

        Only open stations, and mother-baby rooms only when open to the public. `open_now`
        is computed in Asia/Shanghai; `open_now=true` keeps only the open ones. `total` is
        the number of items returned (a nearest-N answer, not a page).

        The answer is written from the station index's parts (service/stations/index.py)
        in the shape of NearbyResultSchema: the busiest route skips a generic serializer.
        """
        try:
            check_in_china(args["lat"], args["lng"])
            lng, lat = to_gcj02(args["lng"], args["lat"], args["coord"])
        except RuleViolation as exc:
            _query_error(exc)
        mask = sum(SERVICE_BITS[code] for code in args["services"])
        hits = search.nearby(lat, lng, args["radius"], kinds=args["kind"], mask=mask,
                             open_now=args["open_now"], limit=args["limit"])
        return current_app.response_class(search.nearby_json(hits), mimetype="application/json")


@blp.route("")
class Viewport(MethodView):
    @blp.arguments(ViewportArgsSchema, location="query")
    @blp.response(200, envelope(StationPinSchema))
    def get(self, args):
        """Stations in the map viewport, at most 500 (those nearest its centre).

        `total` is the true number of stations in the viewport; when it exceeds
        `page_size` (the cap), zoom in to see the others.
        """
        bbox = parse_bbox(args["bbox"])
        items, total = search.viewport(bbox, kinds=args["kind"])
        return {"items": items, "total": total, "page": 1, "page_size": search.VIEWPORT_CAP}


@blp.route("/<int:station_id>")
class StationDetail(MethodView):
    @blp.response(200, StationSchema)
    @errors(404)
    def get(self, station_id):
        """One station in full; closed stations and private rooms are not found."""
        return search.public_station(station_id, options=[joinedload(Station.org)],
                                     session=replica_session())
