"""Opening hours: validation, open-now in Asia/Shanghai, and the Chinese text form."""

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from service.domain.errors import RuleViolation

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
ALWAYS_OPEN = {"always_open": True}
_DAY_MINUTES = 24 * 60
_WEEK_MINUTES = 7 * _DAY_MINUTES
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def _invalid(message: str) -> RuleViolation:
    return RuleViolation("hours_invalid", message, "hours")


def _minutes(value: object, *, is_end: bool) -> int:
    """Minutes since midnight of "H:MM"/"HH:MM"; "24:00" only as an end."""
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match:
        hour, minute = int(match[1]), int(match[2])
        if (hour < 24 and minute < 60) or (is_end and hour == 24 and minute == 0):
            return hour * 60 + minute
    raise _invalid(f"时间“{value}”无效，应为 00:00 至 24:00 之间的 HH:MM")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _range_label(day: int, start: int, end: int) -> str:
    return f"{DAY_NAMES[day]} {_hhmm(start)}-{_hhmm(end)}"


def _day_ranges(day: int, ranges: object) -> list[tuple[int, int]]:
    if not isinstance(ranges, list | tuple):
        raise _invalid(f"{DAY_NAMES[day]}的开放时间应为时间段列表")
    parsed = []
    for item in ranges:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise _invalid(f"{DAY_NAMES[day]}的时间段应为 [开始, 结束]，收到“{item}”")
        start, end = _minutes(item[0], is_end=False), _minutes(item[1], is_end=True)
        if start == end:
            raise _invalid(f"{_range_label(day, start, end)} 开始和结束时间相同")
        parsed.append((start, end))
    return sorted(parsed)


def _check_overlaps(weekly: list[list[tuple[int, int]]]) -> None:
    """Reject overlapping ranges, including overnight ones and Sunday night into Monday."""
    spans = []
    for day, ranges in enumerate(weekly):
        for start, end in ranges:
            length = end - start if end > start else end + _DAY_MINUTES - start
            spans.append((day * _DAY_MINUTES + start, length, day, start, end))
    spans.sort()
    for i, (begin, length, day, start, end) in enumerate(spans):
        if len(spans) < 2:
            break
        nxt = spans[(i + 1) % len(spans)]
        next_begin = nxt[0] + (_WEEK_MINUTES if i + 1 == len(spans) else 0)
        if begin + length > next_begin:
            raise _invalid(
                f"{_range_label(day, start, end)} 与 {_range_label(*nxt[2:])} 时间段重叠")


def validate_hours(obj: object) -> dict:
    """Check an hours object and return it normalised (7 days, sorted, zero-padded)."""
    if not isinstance(obj, dict) or set(obj) - {"always_open", "weekly"}:
        raise _invalid('开放时间应为 {"always_open": true} 或 {"weekly": {"mon": [...]}}')
    always_open = obj.get("always_open", False)
    if not isinstance(always_open, bool):
        raise _invalid("always_open 应为 true 或 false")
    if always_open:
        if obj.get("weekly"):
            raise _invalid("24小时开放时不应再填写每周时间段")
        return dict(ALWAYS_OPEN)
    weekly = obj.get("weekly")
    if not isinstance(weekly, dict):
        raise _invalid("请填写每周开放时间 weekly，或设为24小时开放")
    unknown = [key for key in weekly if key not in DAYS]
    if unknown:
        raise _invalid(f"未知的星期“{unknown[0]}”，应为 {', '.join(DAYS)}")
    days = [_day_ranges(i, weekly.get(key, [])) for i, key in enumerate(DAYS)]
    _check_overlaps(days)
    if all(ranges == [(0, _DAY_MINUTES)] for ranges in days):
        return dict(ALWAYS_OPEN)
    return {"weekly": {key: [[_hhmm(s), _hhmm(e)] for s, e in days[i]]
                       for i, key in enumerate(DAYS)}}


def is_open(hours: dict, at: datetime) -> bool:
    """Whether validated `hours` are open at the aware datetime `at`."""
    if at.tzinfo is None:
        raise ValueError("is_open needs a timezone-aware datetime")
    if hours.get("always_open"):
        return True
    local = at.astimezone(SHANGHAI)
    now = local.hour * 60 + local.minute
    weekly = hours.get("weekly", {})
    for start, end in weekly.get(DAYS[local.weekday()], []):
        start_m, end_m = _minutes(start, is_end=False), _minutes(end, is_end=True)
        if start_m <= now and (now < end_m or end_m < start_m):
            return True
    for start, end in weekly.get(DAYS[(local.weekday() - 1) % 7], []):
        start_m, end_m = _minutes(start, is_end=False), _minutes(end, is_end=True)
        if end_m < start_m and now < end_m:
            return True
    return False


def _days_label(first: int, last: int) -> str:
    if first == 0 and last == 6:
        return "每天"
    if first == last:
        return DAY_NAMES[first]
    joiner = "、" if last == first + 1 else "至"
    return f"{DAY_NAMES[first]}{joiner}{DAY_NAMES[last]}"


def _ranges_text(ranges: list) -> str:
    parts = []
    for start, end in ranges:
        overnight = "次日" if _minutes(end, is_end=True) < _minutes(start, is_end=False) else ""
        parts.append(f"{start}-{overnight}{end}")
    return "、".join(parts)


def hours_text(hours: dict) -> str:
    """Short Chinese text, e.g. "周一至周五 08:00-18:00；周日休息"."""
    if hours.get("always_open"):
        return "24小时开放"
    weekly = hours.get("weekly", {})
    groups: list[list] = []  # [first_day, last_day, ranges]
    for day, key in enumerate(DAYS):
        ranges = weekly.get(key, [])
        if groups and groups[-1][2] == ranges:
            groups[-1][1] = day
        else:
            groups.append([day, day, ranges])
    return "；".join(
        f"{_days_label(first, last)} {_ranges_text(ranges)}" if ranges
        else f"{_days_label(first, last)}休息"
        for first, last, ranges in groups)


_DASH = r"\s*(?:-|~|—|–|〜|至|到)\s*"
_DAY = r"(?:周|星期|礼拜)([一二三四五六日天七])"
_TOKENS = re.compile("|".join([
    rf"(?P<time>(?P<start>\d{{1,2}}:\d{{2}}){_DASH}(?:次日)?(?P<end>\d{{1,2}}:\d{{2}}))",
    r"(?P<allday>(?:7\s*[x×*]\s*)?24(?:小时|h)|全天候?)",
    rf"(?P<dayrange>{_DAY}{_DASH}(?:周|星期|礼拜)?([一二三四五六日天七]))",
    rf"(?P<day>{_DAY})",
    r"(?P<every>每天|每日|天天|全周)",
    r"(?P<workdays>工作日)",
    r"(?P<weekend>周末|双休日)",
    r"(?P<closed>休息|闭馆|关闭|不开放)",
    r"(?P<skip>[\s;,、:/]+|开放|营业)",
]), re.IGNORECASE)
_DAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}


def _token_days(match: re.Match) -> list[int]:
    kind = match.lastgroup
    if kind in ("day", "dayrange"):
        named = [_DAY_INDEX[char] for char in match[0] if char in _DAY_INDEX]
        first, last = named[0], named[-1]
        return [(first + i) % 7 for i in range((last - first) % 7 + 1)]
    return {"every": list(range(7)), "workdays": list(range(5)), "weekend": [5, 6]}[kind]


def parse_hours_text(text: str) -> dict:
    """Parse ledger text such as "周一至周五 08:00-18:00；周六 09:00-12:00" or "24小时"."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        raise _invalid("开放时间为空")
    weekly: list[list] = [[] for _ in DAYS]
    pending: list[int] = []
    pending_text, filled, pos = "", False, 0
    while pos < len(text):
        match = _TOKENS.match(text, pos)
        if not match:
            fragment = re.split(r"[\s;,、]", text[pos:], maxsplit=1)[0]
            raise _invalid(f"开放时间中“{fragment}”无法识别，"
                           "示例：周一至周五 08:00-18:00；周六 09:00-12:00")
        pos, kind = match.end(), match.lastgroup
        if kind in ("day", "dayrange", "every", "workdays", "weekend"):
            if filled:
                pending, pending_text, filled = [], "", False
            pending += _token_days(match)
            pending_text += match[0]
        elif kind in ("time", "allday", "closed"):
            if kind == "time":
                span = [match["start"], match["end"]]
            else:
                span = ["00:00", "24:00"] if kind == "allday" else None
            if not pending:
                pending = list(range(7))
            for day in pending:
                if not filled or span is None:
                    weekly[day] = []
                if span is not None:
                    weekly[day].append(span)
            filled = True
    if pending and not filled:
        raise _invalid(f"开放时间中“{pending_text}”缺少时间段")
    return validate_hours({"weekly": dict(zip(DAYS, weekly, strict=True))})
