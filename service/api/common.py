"""Schemas shared by every resource: pages, envelopes, the error payload."""

import copy
from functools import cache

from marshmallow import Schema, fields, missing, validate

MAX_PAGE_SIZE = 100
DISTRICT = validate.Regexp(r"^\d{6}$", error="应为6位行政区划代码")  # GB/T 2260


class ErrorSchema(Schema):
    """The one error payload of API.md (documentation only)."""

    code = fields.Integer(metadata={"description": "HTTP status"})
    status = fields.String(metadata={"description": "HTTP status phrase"})
    error = fields.String(metadata={"description": "stable machine code, snake_case"})
    message = fields.String(metadata={"description": "中文提示，可直接展示给用户"})
    errors = fields.Dict(metadata={"description": "per-location, per-field messages"})


class OrgBriefSchema(Schema):
    """An org as other objects point to it."""

    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    district_code = fields.String(allow_none=True)


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    page_size = fields.Integer(load_default=20,
                               validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


@cache
def envelope(item_schema: type[Schema]) -> type[Schema]:
    """The list envelope `{"items", "total", "page", "page_size"}` around `item_schema`."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Integer(),
        "page": fields.Integer(),
        "page_size": fields.Integer(),
    }, name=name)


def optional_copy(schema: type[Schema], name: str) -> type[Schema]:
    """`schema` with every field optional and no defaults, for PATCH bodies."""
    optional = {}
    for field_name, field in schema._declared_fields.items():
        field = copy.deepcopy(field)
        field.required = False
        field.load_default = missing
        optional[field_name] = field
    return Schema.from_dict(optional, name=name)
