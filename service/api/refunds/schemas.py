"""Schemas of the refund feature: enterprises, unions and policies."""

import copy
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, missing, validate

from service.api.common import DISTRICT, OrgBriefSchema
from service.domain.errors import RuleViolation
from service.domain.masking import mask_bank_account, mask_phone
from service.domain.refund_math import format_ratio, parse_ratio
from service.domain.sme import SIZE_CLASS_LABELS, industries
from service.models.refunds import SIZE_CLASSES

TEXT_100 = validate.Length(min=1, max=100)
MAX_WAN = Decimal("999999999999.99")


class WanAmount(fields.Decimal):
    """An amount in 万元: a number or decimal string, at most two decimals, not negative."""

    def _validated(self, value):
        amount = super()._validated(value)
        if amount is not None:
            if amount != amount.quantize(Decimal("0.01")):
                raise ValidationError("最多保留两位小数")
            if not 0 <= amount <= MAX_WAN:
                raise ValidationError("应为0到999999999999.99之间的数")
        return amount


class Ratio(fields.Field):
    """A ratio between 0 and 1 as a decimal string ("0.65"); numbers are read as written."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError("应为0到1之间的小数，如\"0.65\"")
        try:
            return parse_ratio(str(value), field=attr)
        except RuleViolation as exc:
            raise ValidationError(exc.message) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format_ratio(value)


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


def _optional_copy(schema: type[Schema], name: str) -> type[Schema]:
    """`schema` with every field optional and no defaults, for PATCH bodies."""
    optional = {}
    for field_name, field in schema._declared_fields.items():
        field = copy.deepcopy(field)
        field.required = False
        field.load_default = missing
        optional[field_name] = field
    return Schema.from_dict(optional, name=name)


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


RefundPolicyUpdateSchema = _optional_copy(RefundPolicySchema, "RefundPolicyUpdateSchema")
RefundEnterpriseUpdateSchema = _optional_copy(RefundEnterpriseInSchema,
                                              "RefundEnterpriseUpdateSchema")
