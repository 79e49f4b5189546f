"""Schemas of enterprise claims: a credit code claimed from the account that squatted it."""

from marshmallow import Schema, fields, validate

from service.api.common import OrgBriefSchema, PageArgs
from service.api.fields import Upload
from service.domain.masking import mask_name, mask_phone
from service.models.refunds import CLAIM_STATUSES


class EnterpriseClaimInSchema(Schema):
    uscc = fields.String(required=True, validate=validate.Length(min=1, max=18))
    file = Upload(required=True, metadata={"description": "营业执照（JPG、PNG或PDF，至多10MB）"})
    note = fields.String(validate=validate.Length(max=500))


class EnterpriseClaimSchema(Schema):
    id = fields.Integer()
    uscc = fields.Function(lambda c: c.enterprise.uscc)
    status = fields.String(metadata={"enum": list(CLAIM_STATUSES)})
    note = fields.String()
    decision_note = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime()


class EnterpriseClaimAdminSchema(EnterpriseClaimSchema):
    org = fields.Nested(OrgBriefSchema)
    enterprise = fields.Function(lambda c: {
        "id": c.enterprise.id, "name": c.enterprise.name, "union_name": c.enterprise.union_name,
        "district_code": c.enterprise.district_code,
        "registered_at": c.enterprise.created_at.isoformat(),
        "holder_user_id": c.enterprise.user_id,
        "contact_name": mask_name(c.enterprise.contact_name),
        "contact_phone": mask_phone(c.enterprise.contact_phone)})
    claimant_user_id = fields.Integer(attribute="user_id")
    licence_content_type = fields.String(attribute="content_type")
    licence_size_bytes = fields.Integer(attribute="size_bytes")


class EnterpriseClaimQuerySchema(PageArgs):
    status = fields.String(validate=validate.OneOf(CLAIM_STATUSES))


class EnterpriseClaimDecisionSchema(Schema):
    note = fields.String(validate=validate.Length(max=500),
                         metadata={"description": "处理意见；驳回时必填"})
