"""Schemas of refund applications, their files, history, review and payment."""

from marshmallow import Schema, fields, validate

from service.api.common import DISTRICT, Id, OrgBriefSchema, PageArgs, Upload
from service.api.refunds.schemas import RefundEnterpriseSchema
from service.domain.sme import SIZE_CLASS_LABELS
from service.models.refund_applications import ATTACHMENT_KINDS, STATUSES
from service.models.refunds import SIZE_CLASSES
from service.refunds.applications import KIND_LABELS
from service.refunds.workflow import STATUS_LABELS

MAX_FEN = 10**12


class RefundApplicationCreateSchema(Schema):
    enterprise_id = Id(required=True)
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    paid_fen = fields.Integer(required=True, strict=True,
                              validate=validate.Range(min=1, max=MAX_FEN))


class RefundApplicationUpdateSchema(Schema):
    paid_fen = fields.Integer(required=True, strict=True,
                              validate=validate.Range(min=1, max=MAX_FEN))


class RefundUploadSchema(Schema):
    file = Upload(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(ATTACHMENT_KINDS))


class RefundAttachmentSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.Function(lambda a: KIND_LABELS[a.kind])
    content_type = fields.String()
    size_bytes = fields.Integer()
    sha256 = fields.String()
    original_name = fields.String(allow_none=True)
    created_at = fields.DateTime()


class RefundHistorySchema(Schema):
    at = fields.DateTime()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor_kind = fields.String()
    actor_name = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class RefundPaymentSchema(Schema):
    voucher_no = fields.String(attribute="payout_voucher_no")
    paid_at = fields.Date(attribute="payout_on")
    paid_fen = fields.Integer(attribute="payout_fen")
    reason = fields.String(attribute="payout_reason", allow_none=True)


class RefundPolicyBriefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class RefundEnterpriseBriefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    uscc = fields.String()
    union_name = fields.String()


def _payment(application):
    return RefundPaymentSchema().dump(application) if application.status == "paid" else None


class RefundApplicationItemSchema(Schema):
    id = fields.Integer()
    enterprise = fields.Nested(RefundEnterpriseBriefSchema)
    policy = fields.Nested(RefundPolicyBriefSchema)
    year = fields.Integer()
    status = fields.String(metadata={"enum": list(STATUSES)})
    status_label = fields.Function(lambda a: STATUS_LABELS[a.status])
    size_class = fields.String()
    size_class_label = fields.Function(lambda a: SIZE_CLASS_LABELS[a.size_class])
    district_code = fields.String()
    org = fields.Nested(OrgBriefSchema)
    paid_fen = fields.Integer()
    refundable_fen = fields.Integer()
    eligible = fields.Boolean()
    ineligible_reasons = fields.List(fields.String())
    submitted_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    payment = fields.Function(_payment, metadata={"type": "object", "nullable": True})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class RefundApplicationSchema(RefundApplicationItemSchema):
    attachments = fields.List(fields.Nested(RefundAttachmentSchema))
    history = fields.List(fields.Nested(RefundHistorySchema))


class RefundAdminApplicationSchema(RefundApplicationSchema):
    enterprise = fields.Nested(RefundEnterpriseSchema)


class RefundLedgerQuerySchema(Schema):
    # Drafts are the applicant's own until submitted: staff see declarations only.
    status = fields.String(validate=validate.OneOf([s for s in STATUSES if s != "draft"]))
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    district_code = fields.String(validate=DISTRICT)
    size_class = fields.String(validate=validate.OneOf(SIZE_CLASSES))


class RefundAdminQuerySchema(RefundLedgerQuerySchema, PageArgs):
    pass


class RefundReviewSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class RefundPaySchema(Schema):
    voucher_no = fields.String(required=True, validate=validate.Length(min=1, max=64))
    paid_at = fields.Date(required=True)
    paid_fen = fields.Integer(required=True, strict=True,
                              validate=validate.Range(min=0, max=MAX_FEN))
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=255))


class RefundBankAccountQuerySchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=255))


class RefundBankAccountSchema(Schema):
    bank_account_name = fields.String()
    bank_name = fields.String()
    bank_account_no = fields.String()
