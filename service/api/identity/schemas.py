"""Schemas of identity: the mini-program user, staff sign-in, orgs, the audit log."""

from marshmallow import Schema, fields, validate

from service.api.common import DISTRICT, OrgBriefSchema, PageArgs
from service.api.fields import Id
from service.models.orgs import ORG_KINDS


class CodeSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))


class WeChatLoginSchema(CodeSchema):
    scene = fields.String(allow_none=True, validate=validate.Length(max=32), metadata={
        "description": "小程序由入会码打开时的 scene（query.scene），用于统计扫码后登录人数"})


class MemberLoginUserSchema(Schema):
    id = fields.Integer()
    is_member = fields.Boolean()
    phone_bound = fields.Boolean()


class MemberLoginResultSchema(Schema):
    token = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(MemberLoginUserSchema)


class PhoneSchema(Schema):
    phone = fields.String()


class MyDataSchema(Schema):
    """Everything held about the caller; the caller's own numbers in full."""

    exported_at = fields.String()
    account = fields.Dict()
    applications = fields.List(fields.Dict())
    membership = fields.Dict(allow_none=True)
    transfers = fields.List(fields.Dict())
    join_code_visits = fields.List(fields.Dict())
    station_feedback = fields.List(fields.Dict())
    enterprises = fields.List(fields.Dict())
    refund_applications = fields.List(fields.Dict())
    disputes = fields.List(fields.Dict())
    enterprise_claims = fields.List(fields.Dict())


class ProfileCorrectionSchema(Schema):
    phone_code = fields.String(validate=validate.Length(min=1, max=128), metadata={
        "description": "getPhoneNumber 返回的 code：经微信验证后更正手机号"})
    employer = fields.String(allow_none=True, validate=validate.Length(max=100),
                             metadata={"label": "工作单位"})


class ProfileSchema(Schema):
    phone = fields.String(allow_none=True)
    employer = fields.String(allow_none=True)


class MembershipSchema(Schema):
    member_no = fields.String()
    org = fields.Nested(OrgBriefSchema)
    joined_at = fields.DateTime()
    status = fields.String()


class MeSchema(Schema):
    id = fields.Integer()
    phone = fields.String(allow_none=True)
    membership = fields.Nested(MembershipSchema, allow_none=True)


class AdminLoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=1, max=256))


class AdminSchema(Schema):
    username = fields.String()
    display_name = fields.String(allow_none=True)
    org = fields.Nested(OrgBriefSchema)
    roles = fields.List(fields.String())


class AdminLoginResultSchema(Schema):
    token = fields.String()
    expires_in = fields.Integer()
    admin = fields.Nested(AdminSchema)
    # A reset password: every other route answers 403 until it is changed.
    must_change_password = fields.Boolean()


CODE = validate.Regexp(r"^[A-Za-z0-9-]{2,32}$", error="只能包含字母、数字和-，长度2到32")


class OrgSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(ORG_KINDS))
    parent_id = fields.Integer(allow_none=True, dump_only=True)
    district_code = fields.String(allow_none=True, validate=DISTRICT)
    accepts_members = fields.Boolean(load_default=True)
    auto_approve = fields.Boolean(load_default=False)
    review_working_days = fields.Integer(
        load_default=15, validate=validate.Range(min=1, max=60, error="应为1到60个工作日"),
        metadata={"description": "入会、转移、退会申请的答复期限（工作日）"})
    created_at = fields.DateTime(dump_only=True)


class OrgCreateSchema(OrgSchema):
    parent_id = Id(required=True)


class OrgUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    district_code = fields.String(allow_none=True, validate=DISTRICT)
    accepts_members = fields.Boolean()
    auto_approve = fields.Boolean()
    review_working_days = fields.Integer(
        validate=validate.Range(min=1, max=60, error="应为1到60个工作日"))


class OrgQuerySchema(PageArgs):
    kind = fields.String(validate=validate.OneOf(ORG_KINDS))
    parent_id = Id()
    q = fields.String(validate=validate.Length(max=50))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_kind = fields.String()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String(allow_none=True)
    action = fields.String()
    object_type = fields.String(allow_none=True)
    object_id = fields.String(allow_none=True)
    org_id = fields.Integer(allow_none=True)
    ip = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    detail = fields.Dict(allow_none=True)


class AuditQuerySchema(PageArgs):
    action = fields.String(validate=validate.Length(max=64))
    object_type = fields.String(validate=validate.Length(max=32))
    object_id = fields.String(validate=validate.Length(max=64))
    since = fields.AwareDateTime()
    until = fields.AwareDateTime()
