"""Station vocabulary (kinds, services, statuses, coordinate systems) and room facilities."""

import math
import re
import unicodedata

from service.domain.errors import RuleViolation

STATION_KINDS = {
    "love_station": "爱心驿站",
    "rider_home": "骑手之家",
    "driver_home": "司机之家",
    "mother_baby_room": "爱心母婴室",
}
KIND_ALIASES = {
    "户外劳动者服务站点": "love_station",
    "驿站": "love_station",
    "母婴室": "mother_baby_room",
    "女职工关爱室": "mother_baby_room",
}

SERVICES = {
    "water": "饮水",
    "meal_heating": "热饭",
    "rest": "休息",
    "toilet": "如厕",
    "charging": "充电",
    "cooling": "纳凉",
    "heating": "取暖",
    "rain_shelter": "避雨",
    "reading": "阅读",
    "first_aid": "药箱",
    "wifi": "WiFi",
    "umbrella": "雨伞",
    "repair_tools": "打气/维修",
    "battery_swap": "换电",
    "locker": "储物",
    "nursing": "哺乳",
}
SERVICE_ALIASES = {
    "喝水": "water", "热水": "water",
    "微波炉": "meal_heating", "加热": "meal_heating",
    "手机充电": "charging",
    "厕所": "toilet", "卫生间": "toilet",
    "打气": "repair_tools", "维修": "repair_tools", "打气维修": "repair_tools",
    "无线网络": "wifi", "无线网": "wifi",
    "医药箱": "first_aid", "急救箱": "first_aid",
    "储物柜": "locker",
    "母婴": "nursing",
}

COORD_SYSTEMS = {"gcj02": "GCJ-02", "wgs84": "WGS-84", "bd09": "BD-09"}
COORD_ALIASES = {
    "火星坐标": "gcj02", "火星坐标系": "gcj02", "国测局": "gcj02", "高德": "gcj02",
    "腾讯": "gcj02", "微信": "gcj02", "gps": "wgs84", "百度": "bd09", "百度坐标": "bd09",
}

STATION_STATUSES = {"open": "开放", "suspended": "暂停", "closed": "关闭"}
STATUS_ALIASES = {"正常": "open", "启用": "open", "暂停开放": "suspended", "停用": "closed",
                  "已关闭": "closed"}

_YES = {"是", "有", "y", "yes", "true", "1", "√"}
_NO = {"否", "无", "n", "no", "false", "0", "×"}


def _key(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def _lookup(names: dict, aliases: dict) -> dict:
    table = {_key(code): code for code in names}
    table.update({_key(label): code for code, label in names.items()})
    table.update({_key(alias): code for alias, code in aliases.items()})
    return table


_KINDS = _lookup(STATION_KINDS, KIND_ALIASES)
_SERVICES = _lookup(SERVICES, SERVICE_ALIASES)
_COORDS = _lookup(COORD_SYSTEMS, COORD_ALIASES)
_STATUSES = _lookup(STATION_STATUSES, STATUS_ALIASES)
_SERVICE_NAMES = sorted(_SERVICES, key=len, reverse=True)  # longest first: "打气/维修"
_SERVICE_SEPARATORS = re.compile(r"[\s、,，;；/]+")


def parse_kind(text: object) -> str:
    """Kind code from a code or a Chinese name (爱心驿站, 母婴室, ...)."""
    code = _KINDS.get(_key(text or ""))
    if code is None:
        raise RuleViolation("kind_invalid", f"站点类型“{text or ''}”无效，应为："
                            f"{'、'.join(STATION_KINDS.values())}", "kind")
    return code


def parse_services(value: str | list | None) -> list[str]:
    """Service codes from names or codes, deduplicated, in the canonical order."""
    items = value if isinstance(value, list | tuple) else [value or ""]
    found = set()
    for item in items:
        text, pos = _key(item), 0
        while pos < len(text):
            separator = _SERVICE_SEPARATORS.match(text, pos)
            if separator:
                pos = separator.end()
                continue
            name = next((n for n in _SERVICE_NAMES if text.startswith(n, pos) and (
                pos + len(n) == len(text) or _SERVICE_SEPARATORS.match(text, pos + len(n)))),
                None)
            if name is None:
                unknown = _SERVICE_SEPARATORS.split(text[pos:], maxsplit=1)[0]
                raise RuleViolation("services_invalid", f"服务项目“{unknown}”无法识别，应为："
                                    f"{'、'.join(SERVICES.values())}", "services")
            found.add(_SERVICES[name])
            pos += len(name)
    return [code for code in SERVICES if code in found]


def parse_coord_system(text: object) -> str:
    """Coordinate system code (gcj02 when empty) from GCJ-02, WGS-84, BD-09, 百度, GPS..."""
    key = _key(text or "gcj02").replace("-", "").replace("_", "").replace(" ", "")
    code = _COORDS.get(key)
    if code is None:
        raise RuleViolation("coord_invalid", f"坐标系“{text}”无效，应为 GCJ-02、WGS-84 或 BD-09",
                            "coord")
    return code


def parse_status(text: object) -> str:
    """Status code (open when empty) from a code or 开放/正常/暂停/关闭."""
    code = _STATUSES.get(_key(text or "open"))
    if code is None:
        raise RuleViolation("status_invalid", f"状态“{text}”无效，应为：开放、暂停或关闭", "status")
    return code


def parse_yes_no(value: object, field: str | None = None, default: bool = False) -> bool:
    """是/否, Y/N, true/false, 1/0 as a bool; empty gives `default`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = "" if value is None else _key(value)
    if key == "":
        return default
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise RuleViolation("yes_no_invalid", f"“{value}”应填写“是”或“否”", field)


FACILITIES = {
    "area_m2": "面积（平方米）",
    "nursing_seats": "哺乳座位数",
    "air_conditioning": "空调",
    "fridge": "冰箱或冰柜",
    "sterilizer": "消毒柜",
    "sofa": "沙发或座椅",
    "washbasin": "洗手池",
    "changing_table": "婴儿尿布台",
    "crib": "婴儿床",
}
_FACILITY_NUMBERS = ("area_m2", "nursing_seats")
_REQUIRED = ("air_conditioning", "fridge", "sterilizer", "sofa", "washbasin")
_REQUIRED_IN_PUBLIC = ("changing_table", "crib")


def _facilities_invalid(message: str) -> RuleViolation:
    return RuleViolation("facilities_invalid", message, "facilities")


def validate_facilities(obj: object) -> dict:
    """Check a mother-baby room's facilities; missing items are None (numbers) or False."""
    if obj is None:
        obj = {}
    if not isinstance(obj, dict):
        raise _facilities_invalid("设施信息应为对象")
    unknown = [key for key in obj if key not in FACILITIES]
    if unknown:
        raise _facilities_invalid(f"未知的设施项“{unknown[0]}”")
    result: dict = {}
    for key, label in FACILITIES.items():
        value = obj.get(key)
        if key in _FACILITY_NUMBERS:
            whole = key == "nursing_seats"
            ok = value is None or (
                isinstance(value, int | float) and not isinstance(value, bool)
                and math.isfinite(value) and 0 <= value <= 100_000
                and (not whole or float(value).is_integer()))
            if not ok:
                kind = "非负整数" if whole else "非负数"
                raise _facilities_invalid(f"{label}应为{kind}")
            result[key] = int(value) if whole and value is not None else value
        elif value is None or isinstance(value, bool):
            result[key] = bool(value)
        else:
            raise _facilities_invalid(f"{label}应为 true 或 false")
    return result


def meets_standard(facilities: dict, is_public: bool) -> tuple[bool, list[str]]:
    """Check against the Henan mother-baby room standard; return (ok, reasons missed)."""
    facilities = validate_facilities(facilities)
    missing = []
    if (facilities["area_m2"] or 0) < 10:
        missing.append("面积不足10平方米")
    if (facilities["nursing_seats"] or 0) < 2:
        missing.append("不能容纳2人以上同时哺乳")
    required = _REQUIRED + (_REQUIRED_IN_PUBLIC if is_public else ())
    missing += [f"缺少{FACILITIES[key]}" for key in required if not facilities[key]]
    return not missing, missing
