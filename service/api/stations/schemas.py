"""Schemas of stations: search answers, the full detail, admin input, feedback, the import."""

from marshmallow import Schema, fields, validate

from service.api.common import DISTRICT, OrgBriefSchema, PageArgs
from service.api.fields import CommaList, Upload
from service.core import clock
from service.domain.geo import MAX_RADIUS_M
from service.domain.hours import hours_text, is_open
from service.domain.stations import (
    COORD_SYSTEMS,
    SERVICES,
    STATION_KINDS,
    STATION_STATUSES,
    meets_standard,
)
from service.models.station_feedback import FEEDBACK_STATUSES, FEEDBACK_TYPES
from service.models.stations import MOTHER_BABY_ROOM

EXTERNAL_CODE = validate.Regexp(r"^[0-9A-Za-z_./-]{1,64}$",
                                error="只能包含字母、数字和 - _ . /，长度不超过64")


class NearbyArgsSchema(Schema):
    lat = fields.Float(required=True, allow_nan=False)
    lng = fields.Float(required=True, allow_nan=False)
    radius = fields.Integer(load_default=3000,
                            validate=validate.Range(min=1, max=MAX_RADIUS_M))
    kind = CommaList(STATION_KINDS, load_default=list)
    services = CommaList(SERVICES, load_default=list)
    open_now = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    coord = fields.String(load_default="gcj02", validate=validate.OneOf(COORD_SYSTEMS))


class NearbyStationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    address = fields.String()
    lat = fields.Float()
    lng = fields.Float()
    distance_m = fields.Integer(metadata={"description": "到查询点的球面距离（米）"})
    services = fields.List(fields.String())
    open_now = fields.Boolean()
    hours_text = fields.String()
    phone = fields.String(allow_none=True)


class NearbyResultSchema(Schema):
    items = fields.List(fields.Nested(NearbyStationSchema))
    total = fields.Integer(metadata={"description": "本次返回的站点数（按距离取前 limit 个）"})


class ViewportArgsSchema(Schema):
    bbox = fields.String(required=True, metadata={
        "description": "minLng,minLat,maxLng,maxLat（GCJ-02）"})
    kind = CommaList(STATION_KINDS, load_default=list)


class StationPinSchema(NearbyStationSchema):
    class Meta:
        exclude = ("distance_m",)

    is_model = fields.Boolean()


class StationSchema(Schema):
    """A station in full: the public detail and the staff view."""

    id = fields.Integer()
    external_code = fields.String(allow_none=True)
    kind = fields.String()
    name = fields.String()
    address = fields.String()
    district_code = fields.String(allow_none=True)
    lat = fields.Float()
    lng = fields.Float()
    services = fields.List(fields.String())
    hours = fields.Dict()
    hours_text = fields.Method("_hours_text")
    open_now = fields.Method("_open_now")
    phone = fields.String(allow_none=True)
    photos = fields.List(fields.String())
    is_public = fields.Boolean()
    is_model = fields.Boolean()
    status = fields.String()
    facilities = fields.Dict(allow_none=True)
    meets_standard = fields.Method("_meets_standard", allow_none=True)
    standard_missing = fields.Method("_standard_missing", metadata={
        "description": "母婴室未达到河南省标准的项目"})
    org_id = fields.Integer()
    org = fields.Nested(OrgBriefSchema)
    updated_at = fields.DateTime()

    def _hours_text(self, station):
        return hours_text(station.hours)

    def _open_now(self, station):
        return is_open(station.hours, clock.now())

    def _standard(self, station):
        if station.kind != MOTHER_BABY_ROOM:
            return None, []
        return meets_standard(station.facilities or {}, station.is_public)

    def _meets_standard(self, station):
        return self._standard(station)[0]

    def _standard_missing(self, station):
        return self._standard(station)[1]


class StationChangeSchema(Schema):
    """Fields staff may change; on create the required ones are enforced by the subclass."""

    kind = fields.String(validate=validate.OneOf(STATION_KINDS))
    name = fields.String(validate=validate.Length(min=1, max=100))
    address = fields.String(validate=validate.Length(max=255))
    district_code = fields.String(allow_none=True, validate=DISTRICT)
    lat = fields.Float(allow_nan=False)
    lng = fields.Float(allow_nan=False)
    coord = fields.String(load_default="gcj02", validate=validate.OneOf(COORD_SYSTEMS))
    services = fields.List(fields.String(validate=validate.OneOf(SERVICES)))
    hours = fields.Dict(metadata={"description": '{"always_open": true} 或 {"weekly": {...}}'})
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    photos = fields.List(fields.String(validate=validate.Length(max=500)))
    is_public = fields.Boolean()
    is_model = fields.Boolean()
    facilities = fields.Dict(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATION_STATUSES))
    external_code = fields.String(allow_none=True, validate=EXTERNAL_CODE)
    org_id = fields.Integer()


class StationCreateSchema(StationChangeSchema):
    kind = fields.String(required=True, validate=validate.OneOf(STATION_KINDS))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    lat = fields.Float(required=True, allow_nan=False)
    lng = fields.Float(required=True, allow_nan=False)
    hours = fields.Dict(required=True)


class StationListArgsSchema(PageArgs):
    org_id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(STATION_KINDS))
    status = fields.String(validate=validate.OneOf(STATION_STATUSES))
    q = fields.String(validate=validate.Length(max=50))


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


class StationLedgerFileSchema(Schema):
    file = Upload(required=True)


class StationImportErrorSchema(Schema):
    row = fields.Integer(metadata={"description": "表格中的行号（表头为第1行）"})
    field = fields.String(metadata={"description": "列名，如“纬度”"})
    message = fields.String()


class StationImportResultSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    errors = fields.List(fields.Nested(StationImportErrorSchema))
