"""Schemas of the member roster: list, detail with transfers, export, card check, figures."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from service.api.common import OrgBriefSchema, PageArgs
from service.api.fields import Id
from service.api.joining.schemas import PersonProfileSchema, one_of
from service.domain.enums import OCCUPATIONS
from service.domain.masking import mask_name
from service.models.members import APPLICATION_STATUSES, MEMBER_STATUSES


class MemberSchema(PersonProfileSchema):
    """A member as staff see it in lists: personal numbers masked."""

    id = fields.Integer()
    member_no = fields.String()
    name = fields.String()
    occupation = fields.String()
    org = fields.Nested(OrgBriefSchema)
    status = fields.String()
    hold_reason = fields.String(allow_none=True)
    joined_at = fields.DateTime()


class MemberTransferSchema(Schema):
    id = fields.Integer()
    from_org = fields.Nested(OrgBriefSchema)
    to_org = fields.Nested(OrgBriefSchema)
    reason = fields.String()
    admin_id = fields.Integer(allow_none=True)
    at = fields.DateTime()


class MemberDetailSchema(MemberSchema):
    transfers = fields.List(fields.Nested(MemberTransferSchema))


class MemberFilterSchema(Schema):
    org_id = Id()
    occupation = fields.String(validate=one_of(OCCUPATIONS))
    since = fields.AwareDateTime()
    until = fields.AwareDateTime()
    q = fields.String(validate=validate.Length(min=1, max=50))


class MemberQuerySchema(PageArgs, MemberFilterSchema):
    status = fields.String(validate=one_of(MEMBER_STATUSES),
                           metadata={"description": "active 正常, held 保留会籍, withdrawn 已退会"})


class MemberExportQuerySchema(MemberFilterSchema):
    full = fields.Boolean(load_default=False)
    reason = fields.String(validate=validate.Length(min=1, max=200))

    @validates_schema
    def full_needs_reason(self, data, **kwargs):
        if data.get("full") and not data.get("reason"):
            raise ValidationError("导出完整身份证号码和手机号码时须填写用途", "reason")


class MemberTransferInputSchema(Schema):
    to_org_id = Id(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class MemberCardCheckSchema(Schema):
    verify_code = fields.String(required=True, load_only=True,
                                validate=validate.Length(min=1, max=512))


class MemberCardHolderSchema(Schema):
    """What staff learn from a valid card: enough to serve the member, no more."""

    member_no = fields.String()
    name = fields.Function(lambda m: mask_name(m.name))
    gender = fields.String()
    occupation = fields.String()
    org = fields.Nested(OrgBriefSchema)
    status = fields.String()
    joined_at = fields.DateTime()


class StatsQuerySchema(Schema):
    org_id = Id(metadata={"description": "narrow to this org's subtree"})


class CountSchema(Schema):
    count = fields.Integer()


class OccupationGroupCountSchema(CountSchema):
    group = fields.String(metadata={"description": "新就业形态群体代码，其余职业为 others"})
    label = fields.String()


class OrgCountSchema(CountSchema):
    org = fields.Nested(OrgBriefSchema)


class MonthCountSchema(CountSchema):
    month = fields.String(metadata={"description": "YYYY-MM（北京时间）"})


ApplicationStatusCountsSchema = Schema.from_dict(
    {status: fields.Integer() for status in APPLICATION_STATUSES},
    name="ApplicationStatusCountsSchema")


class MemberFiguresSchema(Schema):
    total = fields.Integer()
    by_occupation_group = fields.List(fields.Nested(OccupationGroupCountSchema))
    by_org = fields.List(fields.Nested(OrgCountSchema))
    by_month = fields.List(fields.Nested(MonthCountSchema))


class ApplicationFiguresSchema(Schema):
    total = fields.Integer()
    by_status = fields.Nested(ApplicationStatusCountsSchema)
    by_occupation_group = fields.List(fields.Nested(OccupationGroupCountSchema))
    by_month = fields.List(fields.Nested(MonthCountSchema))


class StatsOverviewSchema(Schema):
    org = fields.Nested(OrgBriefSchema)
    members = fields.Nested(MemberFiguresSchema)
    applications = fields.Nested(ApplicationFiguresSchema)


class GroupFigureSchema(Schema):
    district_code = fields.String(allow_none=True, metadata={"description": "会员所在组织的区县"})
    month = fields.String(metadata={"description": "YYYY-MM（北京时间）：入会或申请的月份"})
    group = fields.String(metadata={"description": "新就业形态群体代码，其余职业为 others"})
    label = fields.String()
    members = fields.Integer(metadata={"description": "当月入会、会籍正常的会员"})
    held_members = fields.Integer(metadata={"description": "当月入会、现为保留会籍的会员"})
    applications = fields.Integer()


class GroupFiguresSchema(Schema):
    org = fields.Nested(OrgBriefSchema)
    months = fields.List(fields.String())
    items = fields.List(fields.Nested(GroupFigureSchema))


class FunnelQuerySchema(PageArgs):
    org_id = Id(metadata={"description": "narrow to this org's subtree"})
    since = fields.Date(metadata={"description": "开始日期（含，北京时间），默认近 30 天"})
    until = fields.Date(metadata={"description": "结束日期（含，北京时间），默认今天"})


class FunnelCodeSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    org_id = fields.Integer()


class FunnelRowSchema(Schema):
    join_code = fields.Nested(FunnelCodeSchema)
    scans = fields.Integer()
    logins_after_scan = fields.Integer(
        metadata={"description": "带该入会码 scene 登录的账号数（每个账号计一次）"})
    applications = fields.Integer()
    approvals = fields.Integer()


class FunnelSchema(Schema):
    org = fields.Nested(OrgBriefSchema)
    since = fields.Date()
    until = fields.Date()
    items = fields.List(fields.Nested(FunnelRowSchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
