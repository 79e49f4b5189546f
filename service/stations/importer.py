"""Applying a ledger to the station table, row by row, in one transaction.

Per row: a row with any problem is reported (every field of it) and changes nothing; the
other rows are saved. An existing 编号 updates that station (blank cells keep its values),
a new one creates a station in the caller's org or the org of 所属组织代码. Existing
stations and orgs are loaded in a few IN queries, and new rows are inserted in batches,
so the work per row is Python only.

The whole file is parsed before anything is applied, and nothing is committed here: a
file past the row cap or the time budget (OverBudget) is refused whole, the caller rolls
back and nothing of it is saved.
"""

import time
from dataclasses import dataclass, field

from sqlalchemy import select

from service.domain.errors import RuleViolation
from service.domain.geo import check_in_china
from service.extensions import db
from service.identity.auth import scope_org_ids
from service.models.accounts import Admin
from service.models.orgs import Org
from service.models.stations import Station
from service.stations.ledger import LABELS, MAX_ROWS, map_header
from service.stations.ledger_rows import is_blank, parse_cells
from service.stations.values import REQUIRED_ON_CREATE, apply_station

_CHUNK = 500
_FIELD_LABELS = {**LABELS, "facilities": "母婴室设施", "photos": "照片"}
_COLUMN_ORDER = {label: index for index, label in enumerate(_FIELD_LABELS.values())}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)

    def fail(self, row: int, field_name: str, message: str) -> None:
        label = _FIELD_LABELS.get(field_name, field_name)
        self.errors.append({"row": row, "field": label, "message": message})


class TooManyRows(Exception):
    """The ledger holds more data rows (blank ones included) than one request takes."""


class OverBudget(Exception):
    """The import ran past its wall-clock budget."""


def _check_clock(deadline: float | None, count: int) -> None:
    if deadline is not None and count % 100 == 0 and time.monotonic() > deadline:
        raise OverBudget


def _parse(rows, deadline: float | None) -> list[tuple[int, dict, dict[str, str]]]:
    """(row number, field values, {field: message}) of each non-blank data row."""
    header = next(rows, None)
    fields = map_header(header or ())
    parsed, first_row_of = [], {}
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:  # blank rows count: a sheet of a million is refused
            raise TooManyRows
        _check_clock(deadline, number)
        if is_blank(cells):
            continue
        values, errors = parse_cells(fields, cells)
        code = values.get("external_code")
        if code is None and "external_code" not in errors:
            errors["external_code"] = "编号为必填项，用于识别站点"
        elif code in first_row_of:
            errors["external_code"] = f"编号与第{first_row_of[code]}行重复"
        elif code is not None:
            first_row_of[code] = number
        parsed.append((number, values, errors))
    return parsed


def _load(model, column, keys) -> dict:
    found, keys = {}, sorted(keys)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        for obj in db.session.scalars(select(model).where(column.in_(chunk))):
            found[getattr(obj, column.key)] = obj
    return found


def import_ledger(rows, admin: Admin, deadline: float | None = None) -> ImportReport:
    """Create or update stations from the ledger rows (header first); report bad rows.

    `deadline` is a time.monotonic() value; past it the import stops with OverBudget.
    """
    parsed = _parse(iter(rows), deadline)
    existing = _load(Station, Station.external_code,
                     {values["external_code"] for _, values, _ in parsed
                      if "external_code" in values})
    orgs = _load(Org, Org.code, {values["org_code"] for _, values, _ in parsed
                                 if "org_code" in values})
    scope = set(db.session.scalars(scope_org_ids(admin)))
    report, new_stations = ImportReport(), []
    with db.session.no_autoflush:
        for count, (number, values, errors) in enumerate(parsed, start=1):
            _check_clock(deadline, count)
            station = existing.get(values.get("external_code"))
            org = _check_row(values, errors, station, orgs, scope)
            if errors:
                for name, message in errors.items():
                    report.fail(number, name, message)
                continue
            if station is None:
                station = _create(values, org or admin.org, number, report)
                if station is not None:
                    new_stations.append(station)
            elif _update(station, values, org, number, report):
                report.updated += 1
        db.session.add_all(new_stations)
    db.session.flush()
    report.created = len(new_stations)
    report.errors.sort(key=lambda error: (error["row"], _COLUMN_ORDER.get(error["field"], 99)))
    return report


def _check_row(values: dict, errors: dict, station: Station | None, orgs: dict,
               scope: set) -> Org | None:
    """Add to `errors` what can be told before applying the row; return the org named."""
    org = None
    code = values.pop("org_code", None)
    if code is not None:
        org = orgs.get(code)
        if org is None or org.id not in scope:
            errors["org_code"] = f"组织代码“{code}”不存在或不在您的管辖范围内"
    if station is not None and station.org_id not in scope:
        errors.setdefault("external_code", "该编号属于其他组织的站点，不能修改")
    if station is None:
        for name in REQUIRED_ON_CREATE:
            if name not in values and name not in errors:
                errors[name] = "新建站点时为必填项"
    if "lat" in values and "lng" in values and not errors.keys() & {"lat", "lng"}:
        try:
            check_in_china(values["lat"], values["lng"])
        except RuleViolation as exc:
            errors[exc.field] = exc.message
    return org


def _create(values: dict, org: Org, number: int, report: ImportReport) -> Station | None:
    data = {**values, "org_id": org.id, "district_code": values.get("district_code",
                                                                    org.district_code)}
    try:
        return apply_station(Station(), data, creating=True)
    except RuleViolation as exc:
        report.fail(number, exc.field, exc.message)
        return None


def _update(station: Station, values: dict, org: Org | None, number: int,
            report: ImportReport) -> bool:
    if org is not None:
        values["org_id"] = org.id
    if "facilities" in values and station.facilities:
        values["facilities"] = {**station.facilities, **values["facilities"]}
    if ("lat" in values) != ("lng" in values):
        current = {"lat": station.lat, "lng": station.lng}
        values = {**current, **values}  # one coordinate changed: keep the other as stored
        if "coord" in values and values["coord"] != "gcj02":
            report.fail(number, "coord", "换算坐标系时请同时填写经度和纬度")
            return False
    try:
        apply_station(station, values, creating=False)
    except RuleViolation as exc:
        db.session.expire(station)  # drop the half-applied changes of this row
        report.fail(number, exc.field, exc.message)
        return False
    return True
