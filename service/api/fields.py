"""Marshmallow fields of our own: row ids, uploads, comma lists, 万元 amounts, ratios."""

from decimal import Decimal

import flask_smorest.fields
from marshmallow import ValidationError, fields, validate
from werkzeug.datastructures import FileStorage

from service.domain.errors import RuleViolation
from service.domain.refund_math import format_ratio, parse_ratio

MAX_ID = 2**31 - 1
MAX_WAN = Decimal("999999999999.99")


class Id(fields.Integer):
    """A row id: a positive 32-bit integer, so no input can overflow a column."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
        super().__init__(**kwargs)


class Upload(flask_smorest.fields.Upload):
    """A file part of a multipart body; a plain form value under the same name is refused."""

    default_error_messages = {"invalid": "应为上传的文件"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise self.make_error("invalid")
        return value


class CommaList(fields.Field):
    """A query parameter listing codes separated by commas: `kind=a,b`."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = tuple(choices)
        self.metadata.setdefault("description", "逗号分隔：" + ",".join(self.choices))

    def _deserialize(self, value, attr, data, **kwargs):
        items = [item.strip() for item in str(value).split(",") if item.strip()]
        unknown = [item for item in items if item not in self.choices]
        if unknown:
            raise ValidationError(f"“{unknown[0]}”无效，应为以下之一：{'、'.join(self.choices)}")
        return list(dict.fromkeys(items))


class WanAmount(fields.Decimal):
    """An amount in 万元: a number or decimal string, at most two decimals, not negative."""

    def _validated(self, value):
        amount = super()._validated(value)
        if amount is not None:
            # The range first: a huge number (1e308) has no two-decimal form to compare with.
            if not 0 <= amount <= MAX_WAN:
                raise ValidationError("应为0到999999999999.99之间的数")
            if amount != amount.quantize(Decimal("0.01")):
                raise ValidationError("最多保留两位小数")
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


class Section(fields.Nested):
    """The object itself dumped with `nested`, under its own key, when `when(obj)`; else null."""

    def __init__(self, nested, *, when, **kwargs):
        super().__init__(nested, allow_none=True, **kwargs)
        self.when = when

    def serialize(self, attr, obj, accessor=None, **kwargs):
        return self._serialize(obj if self.when(obj) else None, attr, obj, **kwargs)
