"""Schemas of refunds: enterprises and unions, policies, applications, files, review, ledger."""

from marshmallow import Schema, fields, validate

from service.api.common import DISTRICT, OrgBriefSchema, PageArgs, optional_copy
from service.api.fields import Id, Ratio, Section, Upload, WanAmount
from service.domain.masking import mask_bank_account, mask_phone
from service.domain.sme import SIZE_CLASS_LABELS, industries
from service.models.refund_applications import ATTACHMENT_KINDS, STATUSES
from service.models.refunds import SIZE_CLASSES
from service.refunds.applications import KIND_LABELS
from service.refunds.workflow import STATUS_LABELS

TEXT_100 = validate.Length(min=1, max=100)


class RefundEnterpriseInSchema(Schema):
    name = fields.String(required=True, validate=TEXT_100)
    uscc = fields.String(required=True, validate=validate.Length(min=1, max=40))
    industry = fields.String(required=True,
                             validate=validate.OneOf([row.code for row in industries()]))
    employees = fields.Integer(required=True, strict=True,
                               validate=validate.Range(min=0, max=10_000_000))
    revenue_wan = WanAmount(required=True)
    assets_wan = WanAmount(allow_none=True, load_default=None)
    district_code = fields.String(required=True, validate=DISTRICT)
    union_name = fields.String(required=True, validate=TEXT_100)
    union_uscc = fields.String(required=True, validate=validate.Length(min=1, max=40))
    union_established_on = fields.Date(required=True)
    bank_account_name = fields.String(required=True, validate=TEXT_100)
    bank_name = fields.String(required=True, validate=TEXT_100)
    bank_account_no = fields.String(required=True, validate=validate.Length(min=1, max=64))
    contact_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    contact_phone = fields.String(required=True, validate=validate.Length(min=1, max=20))


class RefundEnterpriseSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    uscc = fields.String()
    industry = fields.String()
    industry_name = fields.Function(lambda e: _industry_names()[e.industry])
    employees = fields.Integer()
    revenue_wan = fields.Decimal(as_string=True, places=2)
    assets_wan = fields.Decimal(as_string=True, places=2, allow_none=True)
    size_class = fields.String(metadata={"enum": list(SIZE_CLASSES)})
    size_class_label = fields.Function(lambda e: SIZE_CLASS_LABELS[e.size_class])
    district_code = fields.String()
    org = fields.Nested(OrgBriefSchema)
    union_name = fields.String()
    union_uscc = fields.String()
    union_established_on = fields.Date()
    bank_account_name = fields.String()
    bank_name = fields.String()
    bank_account_no = fields.Function(lambda e: mask_bank_account(e.bank_account_no))
    contact_name = fields.String()
    contact_phone = fields.Function(lambda e: mask_phone(e.contact_phone))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


def _industry_names() -> dict[str, str]:
    return {row.code: row.name for row in industries()}


class RefundPolicySchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=TEXT_100)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    apply_from = fields.Date(required=True)
    apply_until = fields.Date(required=True)
    eligible_size_classes = fields.List(fields.String(validate=validate.OneOf(SIZE_CLASSES)),
                                        load_default=list)
    max_paid_fen = fields.Integer(strict=True, allow_none=True, load_default=None,
                                  validate=validate.Range(min=1, max=10**12))
    refund_ratio = Ratio(required=True)
    grassroots_share = Ratio(required=True)


RefundPolicyUpdateSchema = optional_copy(RefundPolicySchema, "RefundPolicyUpdateSchema")
RefundEnterpriseUpdateSchema = optional_copy(RefundEnterpriseInSchema,
                                              "RefundEnterpriseUpdateSchema")


class RefundSumsSchema(Schema):
    count = fields.Integer()
    paid_fen = fields.Integer()
    refundable_fen = fields.Integer()
    payout_fen = fields.Integer()


class RefundStatusSumsSchema(RefundSumsSchema):
    status = fields.String()
    status_label = fields.String()


class RefundDistrictSumsSchema(RefundSumsSchema):
    district_code = fields.String()


class RefundOverviewSchema(Schema):
    totals = fields.Nested(RefundSumsSchema)
    by_status = fields.List(fields.Nested(RefundStatusSumsSchema))
    by_district = fields.List(fields.Nested(RefundDistrictSumsSchema))


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
    payment = Section(RefundPaymentSchema, when=lambda application: application.status == "paid")
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
