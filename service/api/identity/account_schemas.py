"""Schemas of staff accounts, the own password and the member's log-out-everywhere."""

from marshmallow import Schema, fields, validate

from service.api.common import OrgBriefSchema, PageArgs
from service.api.fields import Id
from service.models.accounts import ROLES

ROLE_LIST = dict(validate=validate.Length(min=1, max=len(ROLES), error="请选择1到5个角色"),
                 metadata={"label": "角色"})


def _roles(**kwargs):
    return fields.List(fields.String(validate=validate.OneOf(ROLES)), **ROLE_LIST, **kwargs)


def _display_name(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=64),
                         metadata={"label": "姓名"}, **kwargs)


class AccountSchema(Schema):
    """A staff account as an org_admin sees it; never a password or its hash."""

    id = fields.Integer()
    username = fields.String()
    display_name = fields.String(allow_none=True)
    org = fields.Nested(OrgBriefSchema)
    roles = fields.List(fields.String())
    is_active = fields.Boolean()
    must_change_password = fields.Boolean()
    created_at = fields.DateTime()
    last_login_at = fields.DateTime(allow_none=True)


class AccountCreatedSchema(AccountSchema):
    initial_password = fields.String(metadata={"description": "只显示这一次"})


class InitialPasswordSchema(Schema):
    initial_password = fields.String(metadata={"description": "只显示这一次"})


class AccountQuerySchema(PageArgs):
    org_id = Id()
    q = fields.String(validate=validate.Length(min=1, max=64))
    active = fields.Boolean()


class AccountCreateSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64),
                             metadata={"label": "用户名"})
    display_name = _display_name(required=True)
    org_id = Id(required=True, metadata={"label": "所属组织"})
    roles = _roles(required=True)


class AccountUpdateSchema(Schema):
    display_name = _display_name()
    roles = _roles()
    is_active = fields.Boolean(metadata={"label": "启用状态"})


class PasswordChangeSchema(Schema):
    old_password = fields.String(required=True, load_only=True,
                                 validate=validate.Length(min=1, max=256),
                                 metadata={"label": "原密码"})
    new_password = fields.String(required=True, load_only=True,
                                 validate=validate.Length(min=1, max=256),
                                 metadata={"label": "新密码"})
