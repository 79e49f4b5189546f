"""One ledger row's cells as station fields, with every field's problem, not just the first."""

import json
import math
import re
import unicodedata
from datetime import datetime, time
from functools import lru_cache

from service.domain.errors import RuleViolation
from service.domain.hours import parse_hours_text
from service.domain.stations import (
    FACILITIES,
    parse_coord_system,
    parse_kind,
    parse_services,
    parse_status,
    parse_yes_no,
)
from service.stations.values import normalize_station_phone

_DISTRICT = re.compile(r"\d{6}")
_NUMBER_FACILITIES = ("area_m2", "nursing_seats")
_LENGTHS = {"external_code": 64, "name": 100, "address": 255, "org_code": 32}


def cell_text(value) -> str:
    """A cell as trimmed text; whole numbers without '.0' (codes, phones typed as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | time):
        return value.strftime("%H:%M") if isinstance(value, time) else value.isoformat()
    return str(value).strip()


def _number(value, field: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(unicodedata.normalize("NFKC", cell_text(value)))
        except ValueError:
            raise RuleViolation("number_invalid", "应为数字", field) from None
    if not math.isfinite(number):
        raise RuleViolation("number_invalid", "应为数字", field)
    return number


def _text(value, field: str) -> str:
    text = cell_text(value)
    if field in ("external_code", "org_code"):  # full-width letters and digits typed in Excel
        text = unicodedata.normalize("NFKC", text)
    limit = _LENGTHS.get(field)
    if limit and len(text) > limit:
        raise RuleViolation("text_too_long", f"长度不能超过{limit}", field)
    return text


def _district(value, field: str) -> str:
    text = unicodedata.normalize("NFKC", cell_text(value))
    if not _DISTRICT.fullmatch(text):
        raise RuleViolation("district_invalid", "应为6位行政区划代码，如410105", field)
    return text


@lru_cache(maxsize=1024)
def _hours_json(text: str) -> str:
    return json.dumps(parse_hours_text(text))


def _hours(value, field: str) -> dict:
    return json.loads(_hours_json(cell_text(value)))


def _facility(value, field: str):
    if field in _NUMBER_FACILITIES:
        number = _number(value, field)
        return int(number) if field == "nursing_seats" and number.is_integer() else number
    return parse_yes_no(value, field)


_PARSERS = {
    "external_code": _text, "name": _text, "address": _text, "org_code": _text,
    "kind": lambda value, field: parse_kind(cell_text(value)),
    "district_code": _district,
    "lat": _number, "lng": _number,
    "coord": lambda value, field: parse_coord_system(cell_text(value)),
    "services": lambda value, field: parse_services(cell_text(value)),
    "hours": _hours,
    "phone": lambda value, field: normalize_station_phone(cell_text(value)),
    "is_public": parse_yes_no, "is_model": parse_yes_no,
    "status": lambda value, field: parse_status(cell_text(value)),
    **{key: _facility for key in FACILITIES},
}


def parse_cells(fields: list[str | None], cells: tuple) -> tuple[dict, dict[str, str]]:
    """(field values of the non-empty cells, {field: message}); blank cells are left out."""
    values, errors = {}, {}
    facilities = {}
    for field, value in zip(fields, cells, strict=False):
        if field is None or cell_text(value) == "":
            continue
        try:
            parsed = _PARSERS[field](value, field)
        except RuleViolation as exc:
            errors[field] = exc.message
            continue
        if field in FACILITIES:
            facilities[field] = parsed
        else:
            values[field] = parsed
    if facilities:
        values["facilities"] = facilities
    return values, errors


def is_blank(cells: tuple) -> bool:
    """Whether a row has nothing in it (Excel often keeps formatted empty rows)."""
    return all(cell_text(value) == "" for value in cells)
