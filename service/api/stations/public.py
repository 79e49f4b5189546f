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
        """查找附近站点

        按实际距离返回最近的开放站点，可按类型、服务项目和当前是否开放筛选。

        只返回开放的站点，母婴室仅在对公众开放时返回。
        `open_now` 按 Asia/Shanghai 时间计算；`open_now=true` 时只保留当前开放的站点。
        `total` 为返回的条数（这是最近 N 个的结果，不是分页）。

        应答直接由站点索引的各部分（service/stations/index.py）
        按 NearbyResultSchema 的结构写出：这条最繁忙的路由不经过通用的序列化。
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
        """查询地图视野内的站点

        最多返回 500 个（取离视野中心最近的）。

        `total` 为视野内站点的实际数量；超过 `page_size`（即上限）时，放大地图可查看其余站点。
        """
        bbox = parse_bbox(args["bbox"])
        items, total = search.viewport(bbox, kinds=args["kind"])
        return {"items": items, "total": total, "page": 1, "page_size": search.VIEWPORT_CAP}


@blp.route("/<int:station_id>")
class StationDetail(MethodView):
    @blp.response(200, StationSchema)
    @errors(404)
    def get(self, station_id):
        """查看站点详情

        返回站点的完整信息；已关闭的站点和不对外开放的母婴室视为不存在。
        """
        return search.public_station(station_id, options=[joinedload(Station.org)],
                                     session=replica_session())
