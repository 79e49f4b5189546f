"""Schemas of joining by QR code: scenes, the application form, review, card, join codes."""

import re

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from service.api.common import DISTRICT, OrgBriefSchema, PageArgs
from service.api.fields import Id
from service.domain.enums import (
    EDUCATIONS,
    ETHNICITIES,
    HOUSEHOLD_TYPES,
    OCCUPATIONS,
    POLITICAL_STATUSES,
)
from service.domain.masking import mask_id_number, mask_phone
from service.joining.deadlines import is_overdue
from service.models.members import APPLICATION_STATUSES
from service.web.validators import FullMatch
from service.wechat.limits import SCENE_PATTERN

PICK_AGAIN = "不在可选范围内，请重新选择"
SCENE = FullMatch(SCENE_PATTERN.pattern, error="无效，请重新扫描入会码")
# Han characters (rare ones too), Latin letters, the middle dot of transliterated names.
# A function, not validate.Regexp: the pattern would be published in the OpenAPI document,
# and few generators understand ranges beyond the Basic Multilingual Plane.
_PERSON_NAME = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134fA-Za-z·・. ]{1,50}\Z")


def person_name(value: str) -> None:
    """Refuse anything but the characters of a name on an ID card."""
    if not _PERSON_NAME.match(value):
        raise ValidationError("只能包含汉字、字母和间隔号“·”，请填写身份证上的姓名")


def one_of(vocabulary) -> validate.OneOf:
    return validate.OneOf(list(vocabulary), error=PICK_AGAIN)


class PersonProfileSchema(Schema):
    """Who a person is, as staff see it: gender and birth year derived, numbers masked.

    The birth year, never the date: beside a masked ID the full date would leave too few
    candidates for the hidden digits (service/domain/masking.py).
    """

    gender = fields.String()
    birth_year = fields.Integer(attribute="birth_date.year")
    id_number = fields.Function(lambda p: mask_id_number(p.id_number))
    phone = fields.Function(lambda p: mask_phone(p.phone))
    employer = fields.String(allow_none=True)
    household_type = fields.String(allow_none=True)
    ethnicity = fields.String(allow_none=True)
    political_status = fields.String(allow_none=True)
    education = fields.String(allow_none=True)
    residence_district_code = fields.String(allow_none=True)


class JoinSceneSchema(Schema):
    scene = fields.String()
    label = fields.String()
    org = fields.Nested(OrgBriefSchema)
    accepts_members = fields.Boolean()


class JoinApplicationFormSchema(Schema):
    """The one short form; gender and birth date come from the ID number."""

    scene = fields.String(allow_none=True, validate=SCENE)
    org_id = Id(allow_none=True)
    name = fields.String(required=True, validate=[validate.Length(min=1, max=50), person_name],
                         metadata={"label": "姓名"})
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=32))
    phone = fields.String(required=True, validate=validate.Length(min=1, max=20))
    occupation = fields.String(required=True, validate=one_of(OCCUPATIONS))
    employer = fields.String(allow_none=True, validate=validate.Length(max=100))
    household_type = fields.String(allow_none=True, validate=one_of(HOUSEHOLD_TYPES))
    ethnicity = fields.String(allow_none=True, validate=one_of(ETHNICITIES))
    political_status = fields.String(allow_none=True, validate=one_of(POLITICAL_STATUSES))
    education = fields.String(allow_none=True, validate=one_of(EDUCATIONS))
    residence_district_code = fields.String(allow_none=True, validate=DISTRICT)
    consent_version = fields.String(
        allow_none=True, validate=validate.Length(max=16),
        metadata={"description": "必填：申请人已阅读并同意的《隐私政策》版本"
                                 "（GET /privacy-notice 的 version）；"
                                 "缺少或不是当前版本时 422 consent_required"})

    @pre_load
    def strip_text(self, data, **kwargs):
        # Phones paste with spaces; an all-blank optional answer means "not given".
        if not isinstance(data, dict):
            return data
        return {key: (value.strip() or None) if isinstance(value, str) else value
                for key, value in data.items()}

    @validates_schema(skip_on_field_errors=False)
    def needs_target(self, data, **kwargs):
        if not data.get("scene") and data.get("org_id") is None:
            raise ValidationError("未提供，请扫描工会的入会码或选择要加入的工会组织", "scene")


class PrivacyNoticeQuerySchema(Schema):
    version = fields.String(validate=validate.Length(min=1, max=16))


class PrivacyNoticeSchema(Schema):
    version = fields.String()
    text = fields.String()
    published_on = fields.Date()
    current = fields.Boolean(metadata={"description": "是否为新提交的入会申请所要求同意的版本"})


class JoinApplicationSchema(Schema):
    """An application as its applicant sees it."""

    id = fields.Integer()
    status = fields.String()
    org = fields.Nested(OrgBriefSchema)
    member_no = fields.String(allow_none=True)
    name = fields.String()
    occupation = fields.String()
    reject_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    reviewed_at = fields.DateTime(allow_none=True)
    due_on = fields.Date(allow_none=True,
                         metadata={"description": "预计答复日期（北京时间，按工作日计）"})
    due_on_estimated = fields.Boolean(
        metadata={"description": "工作日历尚无该年数据，按周一至周五扣除固定节日估算"})
    message = fields.String(metadata={"description": "给申请人的提示（仅 status=disputed 时）"})


class JoinCodeBriefSchema(Schema):
    id = fields.Integer()
    label = fields.String()


class JoinApplicationReviewSchema(JoinApplicationSchema, PersonProfileSchema):
    """An application as staff see it: personal numbers masked."""

    join_code = fields.Nested(JoinCodeBriefSchema, allow_none=True)
    reviewed_by = fields.Integer(allow_none=True)
    overdue = fields.Function(lambda a: is_overdue(a),
                              metadata={"description": "已过答复期限仍未审核"})


class JoinApplicationQuerySchema(PageArgs):
    status = fields.String(validate=one_of(APPLICATION_STATUSES))
    org_id = Id()
    occupation = fields.String(validate=one_of(OCCUPATIONS))
    since = fields.AwareDateTime()
    until = fields.AwareDateTime()
    q = fields.String(validate=validate.Length(min=1, max=50))
    overdue = fields.Boolean(metadata={"description": "true 只列逾期未审核的"})


class JoinRejectSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class JoinDecisionSchema(Schema):
    status = fields.String()
    member_no = fields.String(allow_none=True)


class MemberCardSchema(Schema):
    member_no = fields.String()
    status = fields.String(metadata={"description": "active 正常, held 保留会籍"})
    name = fields.String()
    org_name = fields.String()
    joined_at = fields.DateTime()
    verify_code = fields.String()
    verify_code_expires_in = fields.Integer()


class JoinCodeCreateSchema(Schema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=50))


class JoinCodeUpdateSchema(Schema):
    label = fields.String(validate=validate.Length(min=1, max=50))
    enabled = fields.Boolean()


class JoinCodeSchema(Schema):
    id = fields.Integer()
    org_id = fields.Integer()
    scene = fields.String()
    label = fields.String()
    image_url = fields.String()
    page = fields.String()
    enabled = fields.Boolean()
    scan_count = fields.Integer()
    application_count = fields.Integer()
    join_count = fields.Integer()
    created_at = fields.DateTime()
