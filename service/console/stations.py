"""驿站与母婴室: the ledger with filters and a map, the station form (import and feedback:
service/console/station_desk.py)."""


from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from service.api.stations.schemas import (
    StationChangeSchema,
    StationCreateSchema,
    StationListArgsSchema,
)
from service.console import station_map
from service.console.blueprint import Refusal, attempt, bp, check_form
from service.console.filters import orgs_in_scope, page_args
from service.domain.hours import DAY_NAMES, DAYS, hours_text
from service.domain.stations import FACILITIES, SERVICES, STATION_KINDS, STATION_STATUSES
from service.extensions import db
from service.identity.auth import admin_required, get_scoped
from service.models.stations import MOTHER_BABY_ROOM, Station
from service.stations.records import add_station, change_station, close_station, stations_in_scope
from service.web.pages import paginate

ROLE = "station_manager"
MAP_POINTS = 2000
_NUMBERS = ("area_m2", "nursing_seats")


def _list_filters(source) -> tuple[dict, Refusal | None]:
    raw = {key: source.get(key, "").strip() for key in ("org_id", "kind", "status", "q")}
    args, refusal = check_form(StationListArgsSchema, {k: v for k, v in raw.items() if v})
    if args:
        args.pop("page", None)
        args.pop("page_size", None)
    return args, refusal


@bp.route("/stations")
@admin_required(ROLE)
def stations():
    """站点台账（筛选与地图）"""
    args, refusal = _list_filters(request.args)
    page = {"items": [], "total": 0, **page_args(request.args)}
    error = field = None
    status, points = 200, []
    if refusal:
        error, field, status = refusal.message, refusal.field, refusal.status
    else:
        query, refusal = attempt(stations_in_scope, args)
        if refusal:
            error, field, status = refusal.message, "org_id", refusal.status
        else:
            page = paginate(query, page_args(request.args))
            points = list(db.session.scalars(query.limit(MAP_POINTS)).unique())
    tiles = station_map.tile_template()
    page_html = render_template(
        "console/stations.html", page=page, values=request.args, error=error, field=field,
        orgs=orgs_in_scope(), kinds=STATION_KINDS, statuses=STATION_STATUSES,
        map=station_map.plot(points, tiles), hours_text=hours_text)
    return page_html, status, station_map.tile_policy(tiles)


def _hours_rows(hours: dict | None) -> dict:
    """The form's day boxes for `hours`: {"mon": "08:00-12:00, 22:00-06:00", ...}."""
    weekly = (hours or {}).get("weekly", {})
    return {day: ", ".join(f"{a}-{b}" for a, b in weekly.get(day, [])) for day in DAYS}


def read_hours(form) -> tuple[dict | None, Refusal | None]:
    """The hours editor's boxes in the API's hours format (a range may pass midnight)."""
    if form.get("always_open") == "1":
        return {"always_open": True}, None
    weekly = {}
    for day, label in zip(DAYS, DAY_NAMES, strict=True):
        text = form.get(f"hours_{day}", "").replace("，", ",").replace("～", "-")
        ranges = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            bounds = [b.strip() for b in part.replace("至", "-").split("-")]
            if len(bounds) != 2 or not all(bounds):
                return None, Refusal(422, f"{label}的时间段“{part}”格式不正确，应为 08:00-18:00"
                                     "，多个时间段用逗号分隔", f"hours_{day}")
            ranges.append(bounds)
        weekly[day] = ranges
    return {"weekly": weekly}, None


def read_station_form(form, schema) -> tuple[dict | None, Refusal | None]:
    """The station form as the API's input, checked by the API's schema."""
    hours, refusal = read_hours(form)
    if refusal:
        return None, refusal
    raw = {name: form.get(name, "").strip() for name in
           ("kind", "name", "address", "lat", "lng", "phone", "external_code", "org_id",
            "status")}
    data = {k: v for k, v in raw.items() if v}
    for name in ("address", "phone", "external_code"):
        data.setdefault(name, None if name != "address" else "")
    data.update(hours=hours, services=form.getlist("services"), coord="gcj02",
                is_public=form.get("is_public") == "1", is_model=form.get("is_model") == "1")
    if data.get("kind") == MOTHER_BABY_ROOM:
        facilities = {}
        for key in FACILITIES:
            if key in _NUMBERS:
                value = form.get(f"fac_{key}", "").strip()
                try:
                    facilities[key] = None if not value else (
                        int(value) if key == "nursing_seats" else float(value))
                except ValueError:
                    return None, Refusal(422, f"{FACILITIES[key]}应为数字", f"fac_{key}")
            else:
                facilities[key] = form.get(f"fac_{key}") == "1"
        data["facilities"] = facilities
    else:
        data["facilities"] = None
    return check_form(schema, data)


def _form_page(station=None, status=200, **extra):
    values = request.form if request.method == "POST" else _station_values(station)
    return render_template(
        "console/station_form.html", station=station, values=values, kinds=STATION_KINDS,
        services=SERVICES, statuses=STATION_STATUSES, facilities=FACILITIES,
        number_facilities=_NUMBERS, days=list(zip(DAYS, DAY_NAMES, strict=True)),
        orgs=orgs_in_scope(), **extra), status


def _station_values(station) -> dict:
    """A station as the form's values (with getlist, as request.form)."""
    if station is None:
        return MultiDict({"is_public": "1"})
    pairs = [("kind", station.kind), ("name", station.name), ("address", station.address),
             ("lat", f"{station.lat:.6f}"), ("lng", f"{station.lng:.6f}"),
             ("phone", station.phone or ""), ("external_code", station.external_code or ""),
             ("org_id", str(station.org_id)), ("status", station.status)]
    pairs += [("services", code) for code in station.services]
    pairs += [("is_public", "1")] if station.is_public else []
    pairs += [("is_model", "1")] if station.is_model else []
    if station.hours.get("always_open"):
        pairs.append(("always_open", "1"))
    pairs += [(f"hours_{day}", text) for day, text in _hours_rows(station.hours).items()]
    for key, value in (station.facilities or {}).items():
        if key in _NUMBERS:
            pairs.append((f"fac_{key}", "" if value is None else str(value)))
        elif value:
            pairs.append((f"fac_{key}", "1"))
    return MultiDict(pairs)


def _saved(station, message):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("console.station_edit", station_id=station.id))


@bp.route("/stations/new", methods=["GET", "POST"])
@admin_required(ROLE)
def station_new():
    """新增站点"""
    if request.method == "GET":
        return _form_page()
    data, refusal = read_station_form(request.form, StationCreateSchema)
    station = None
    if refusal is None:
        station, refusal = attempt(add_station, data)
    if refusal:
        return _form_page(None, refusal.status, error=refusal.message, field=refusal.field)
    return _saved(station, f"已新增站点“{station.name}”")


@bp.route("/stations/<int:station_id>", methods=["GET", "POST"])
@admin_required(ROLE)
def station_edit(station_id):
    """查看和修改站点（含开放时间与母婴室设施）"""
    station = get_scoped(Station, station_id, noun="站点")
    if request.method == "GET":
        return _form_page(station)
    data, refusal = read_station_form(request.form, StationChangeSchema)
    if refusal is None:
        _, refusal = attempt(change_station, station_id, data)
    if refusal:
        db.session.refresh(station)
        return _form_page(station, refusal.status, error=refusal.message, field=refusal.field)
    return _saved(station, "已保存")


@bp.route("/stations/<int:station_id>/status", methods=["POST"])
@admin_required(ROLE)
def station_status(station_id):
    """关闭或暂停站点"""
    station = get_scoped(Station, station_id, write=True, noun="站点")
    action = request.form.get("action")
    if action == "close":
        close_station(station_id)
        return _saved(station, "站点已关闭，已从地图上撤下")
    if action in ("suspend", "open"):
        change_station(station_id, {"status": "suspended" if action == "suspend" else "open"})
        return _saved(station, "站点已暂停开放" if action == "suspend" else "站点已恢复开放")
    flash("请选择要进行的操作", "error")
    return redirect(url_for("console.station_edit", station_id=station_id))
