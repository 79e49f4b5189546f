"""Schemas of join disputes: both sides as the holding org's staff see them, and decisions."""

from marshmallow import Schema, fields, pre_dump, validate

from service.api.common import OrgBriefSchema, PageArgs
from service.api.joining.schemas import one_of
from service.joining.disputes import describe
from service.models.disputes import DISPUTE_STATUSES


class DisputeSideSchema(Schema):
    """One account's application for the person: numbers masked."""

    application_id = fields.Integer()
    application_status = fields.String()
    name = fields.String()
    phone = fields.String(metadata={"description": "the phone on the form, masked"})
    phone_verified = fields.Boolean(
        metadata={"description": "the form's phone is the account's WeChat-verified phone"})
    account_phone = fields.String(allow_none=True,
                                  metadata={"description": "WeChat-verified phone, masked"})
    applied_at = fields.DateTime()
    org = fields.Nested(OrgBriefSchema)
    member_no = fields.String(allow_none=True)
    joined_at = fields.DateTime(allow_none=True)


class JoinDisputeSchema(Schema):
    class Meta:
        ordered = True

    id = fields.Integer()
    status = fields.String()
    id_number = fields.String()
    holder_org = fields.Nested(OrgBriefSchema)
    claimant = fields.Nested(DisputeSideSchema)
    holder = fields.Nested(DisputeSideSchema)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by = fields.Integer(allow_none=True)

    @pre_dump
    def sides(self, dispute, **kwargs):
        return describe(dispute)


class JoinDisputeQuerySchema(PageArgs):
    status = fields.String(validate=one_of(DISPUTE_STATUSES))


class JoinDisputeResolveSchema(Schema):
    decision = fields.String(required=True, validate=one_of(("move", "reject")),
                             metadata={"label": "处理结果"})
    note = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"label": "核实说明"})


class JoinUnbindSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200),
                           metadata={"label": "解除原因"})
