"""Setting a station's fields: the same checks for the admin API and the ledger import."""

import json
import re
import unicodedata
from functools import lru_cache

from service.domain.errors import RuleViolation
from service.domain.hours import validate_hours
from service.domain.stations import validate_facilities
from service.models.stations import MOTHER_BABY_ROOM, Station

MAX_PHOTOS = 9
REQUIRED_ON_CREATE = ("kind", "name", "lat", "lng", "hours")
_PHONE = re.compile(r"1[3-9]\d{9}"                      # mobile
                    r"|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?"  # landline with area code
                    r"|[48]00-?\d{3}-?\d{4}"            # 400/800 hotline
                    r"|\d{7,8}|1\d{4}")                 # local number, 12351-style hotline
_URL = re.compile(r"https://[^\s]{4,500}")
_DEFAULTS = {"address": "", "services": [], "photos": [], "status": "open", "is_public": True,
             "is_model": False, "phone": None, "district_code": None, "external_code": None}


@lru_cache(maxsize=1024)
def _checked_hours_json(key: str) -> str:
    return json.dumps(validate_hours(json.loads(key)))


def checked_hours(hours) -> dict:
    """validate_hours, remembered per distinct value: a ledger repeats a few dozen forms."""
    return json.loads(_checked_hours_json(json.dumps(hours, sort_keys=True)))


def normalize_station_phone(raw: str | None) -> str | None:
    """A station's public number (mobile, landline, 400 or short hotline), or None."""
    text = "".join(unicodedata.normalize("NFKC", raw or "").split())
    text = text.replace("—", "-").replace("－", "-")
    if not text:
        return None
    if not _PHONE.fullmatch(text):
        raise RuleViolation("station_phone_invalid",
                            "联系电话格式不正确，应为手机号、带区号的固定电话（如0371-12345678）或服务热线",
                            "phone")
    return text


def check_photos(photos: list) -> list[str]:
    """Photo URLs: https only, at most MAX_PHOTOS."""
    if len(photos) > MAX_PHOTOS:
        raise RuleViolation("photos_invalid", f"照片最多{MAX_PHOTOS}张", "photos")
    for url in photos:
        if not isinstance(url, str) or not _URL.fullmatch(url):
            raise RuleViolation("photos_invalid", "照片应为以 https:// 开头的网址", "photos")
    return list(photos)


def apply_station(station: Station, data: dict, *, creating: bool) -> Station:
    """Set the fields present in `data` (defaults when creating) and the derived columns."""
    if creating:
        missing = [name for name in REQUIRED_ON_CREATE if data.get(name) is None]
        if missing:
            raise RuleViolation("station_incomplete",
                                "新建站点需要填写类型、名称、经纬度和开放时间", missing[0])
        data = {**_DEFAULTS, **{k: v for k, v in data.items() if v is not None}}
    if ("lat" in data) != ("lng" in data):
        raise RuleViolation("position_incomplete", "经度和纬度需要同时填写",
                            "lng" if "lat" in data else "lat")
    if "lat" in data:
        station.set_position(data["lat"], data["lng"], data.get("coord") or "gcj02")
    for name in ("kind", "district_code", "status", "is_public", "is_model", "external_code",
                 "org_id"):
        if name in data:
            setattr(station, name, data[name])
    for name in ("name", "address"):
        if name in data:
            setattr(station, name, (data[name] or "").strip())
    if not station.name:
        raise RuleViolation("station_name_missing", "站点名称不能为空", "name")
    if "services" in data:
        station.services = data["services"]
    if "hours" in data:
        station.hours = checked_hours(data["hours"])
    if "phone" in data:
        station.phone = normalize_station_phone(data["phone"])
    if "photos" in data:
        station.photos = check_photos(data["photos"] or [])
    _apply_facilities(station, data)
    station.refresh_search_columns()
    return station


def _apply_facilities(station: Station, data: dict) -> None:
    given = data.get("facilities")
    if station.kind == MOTHER_BABY_ROOM:
        station.facilities = validate_facilities(given if "facilities" in data
                                                 else station.facilities)
    elif given and any(given.values()):  # a ledger may say 否 for a love station's fridge
        raise RuleViolation("facilities_not_applicable", "只有母婴室需要填写设施", "facilities")
    else:
        station.facilities = None
