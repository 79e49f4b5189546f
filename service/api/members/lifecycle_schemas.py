"""Schemas of the membership lifecycle: transfers, holding, withdrawals, due dates."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from service.api.common import DISTRICT, OrgBriefSchema, PageArgs
from service.api.fields import Id
from service.api.joining.schemas import SCENE, one_of
from service.domain.masking import mask_name
from service.joining.deadlines import is_overdue
from service.models.lifecycle import TRANSFER_STATUSES, WITHDRAWAL_STATUSES
from service.models.members import HOLD_REASONS

REASON = validate.Length(min=1, max=200)


class DueSchema(Schema):
    due_on = fields.Date(metadata={"description": "答复期限（北京时间，工作日计）"})
    due_on_estimated = fields.Boolean(
        metadata={"description": "工作日历尚无该年数据，按周一至周五扣除固定节日估算"})


class StaffDueSchema(DueSchema):
    overdue = fields.Function(is_overdue, metadata={"description": "已过答复期限仍未办理"})


class TransferRequestFormSchema(Schema):
    scene = fields.String(allow_none=True, validate=SCENE)
    org_id = Id(allow_none=True)
    reason = fields.String(required=True, validate=REASON)

    @validates_schema(skip_on_field_errors=False)
    def needs_target(self, data, **kwargs):
        if not data.get("scene") and data.get("org_id") is None:
            raise ValidationError("未提供，请扫描新工会的入会码或选择要转入的工会组织", "scene")


class TransferRequestSchema(DueSchema):
    """A transfer as the member sees it."""

    id = fields.Integer()
    status = fields.String(metadata={"description": "pending_release 待转出, pending_accept "
                                     "待转入, completed 已完成, refused 被拒绝, cancelled 已撤销"})
    from_org = fields.Nested(OrgBriefSchema)
    to_org = fields.Nested(OrgBriefSchema)
    reason = fields.String()
    refuse_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    released_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)


class MemberBriefSchema(Schema):
    id = fields.Integer()
    member_no = fields.String()
    name = fields.Function(lambda m: mask_name(m.name))
    status = fields.String()


class StaffTransferRequestSchema(TransferRequestSchema, StaffDueSchema):
    """A transfer as staff of either side see it."""

    member = fields.Nested(MemberBriefSchema)
    released_by = fields.Integer(allow_none=True,
                                 metadata={"description": "空表示逾期未答复自动转出"})
    decided_by = fields.Integer(allow_none=True)


class TransferQuerySchema(PageArgs):
    direction = fields.String(validate=one_of(("out", "in")),
                              metadata={"description": "out 转出（本组织范围内的会员转走），"
                                        "in 转入；不填为两者"})
    status = fields.String(validate=one_of(TRANSFER_STATUSES))
    overdue = fields.Boolean()


class RefuseSchema(Schema):
    reason = fields.String(required=True, validate=REASON)


class HoldingFormSchema(Schema):
    reason = fields.String(required=True, validate=one_of(HOLD_REASONS),
                           metadata={"description": "no_union 新单位未建工会，"
                                     "left_work 离职暂未就业"})
    district_code = fields.String(allow_none=True, validate=DISTRICT,
                                  metadata={"description": "新单位所在区县（no_union 时；"
                                            "不填为现所属组织的区县）"})


class HoldingSchema(Schema):
    member_no = fields.String()
    status = fields.String()
    hold_reason = fields.String()
    org = fields.Nested(OrgBriefSchema)


class WithdrawalFormSchema(Schema):
    reason = fields.String(required=True, validate=REASON)


class WithdrawalSchema(DueSchema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "pending 待确认, confirmed 已退会, "
                                     "cancelled 已撤销"})
    org = fields.Nested(OrgBriefSchema)
    reason = fields.String()
    created_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)


class StaffWithdrawalSchema(WithdrawalSchema, StaffDueSchema):
    member = fields.Nested(MemberBriefSchema)
    confirmed_by = fields.Integer(allow_none=True)


class WithdrawalQuerySchema(PageArgs):
    status = fields.String(validate=one_of(WITHDRAWAL_STATUSES))
    overdue = fields.Boolean()


class ReminderSchema(Schema):
    """A reminder of an item near (due_soon) or past (escalated) its due date."""

    id = fields.Integer()
    item_kind = fields.String(metadata={"description": "join_application 入会申请, transfer "
                                        "会籍转移, withdrawal 退会申请"})
    item_id = fields.Integer()
    kind = fields.String(metadata={"description": "due_soon 2个工作日内到期, escalated "
                                   "下级逾期未办，报上级"})
    org = fields.Nested(OrgBriefSchema, metadata={"description": "收到提醒的审核组织"})
    due_on = fields.Date()
    created_at = fields.DateTime()
