"""Resident ID numbers (GB 11643): normalisation, validation and derived facts."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from service.domain.errors import RuleViolation

MIN_AGE = 16
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Mainland provinces, plus 81/82/83 used by HK/Macao/Taiwan residence permits.
PROVINCE_CODES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23"]
    + ["31", "32", "33", "34", "35", "36", "37"]
    + ["41", "42", "43", "44", "45", "46"]
    + ["50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]
    + ["81", "82", "83"]
)
# Residence permits carry the whole region's code, never a district below it.
PERMIT_AREA_CODES = {"81": "810000", "82": "820000", "83": "830000"}
EARLIEST_BIRTH_YEAR = 1900

_FORMAT = re.compile(r"[0-9]{17}[0-9X]")
_FIELD = "id_number"


@dataclass(frozen=True)
class IdentityInfo:
    """What a valid ID number tells about its holder."""

    number: str
    birth_date: date
    gender: str
    area_code: str
    province_code: str


def normalize_id_number(raw: str) -> str:
    """Drop all whitespace, fold full-width characters and uppercase a trailing x."""
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(text.split()).upper()


def id_check_char(first17: str) -> str:
    """Return the check character for the first 17 digits of an ID number."""
    if not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError("first17 must be 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def make_id_number(area: str, birth_date: date, seq: int) -> str:
    """Build a valid ID number from an area code, a birth date and a 0-999 sequence."""
    if not 0 <= seq <= 999:
        raise ValueError("seq must be between 0 and 999")
    first17 = f"{area}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def parse_id_number(raw: str, today: date, *, field: str = _FIELD) -> IdentityInfo:
    """Validate an ID number for joining and return what it tells; `today` is Asia/Shanghai."""
    number = normalize_id_number(raw) if raw is not None else ""
    if not _FORMAT.fullmatch(number):
        raise RuleViolation(
            "id_number_format",
            "身份证号码应为18位，前17位为数字，最后一位为数字或X",
            field,
        )

    area_code, province_code = number[:6], number[:2]
    permit_area = PERMIT_AREA_CODES.get(province_code)
    if province_code not in PROVINCE_CODES or (permit_area and area_code != permit_area):
        raise RuleViolation(
            "id_number_area", "身份证号码前6位地区码不正确，请核对后重新输入", field
        )

    birth_date = _birth_date(number[6:14], field)
    if birth_date > today:
        raise RuleViolation(
            "id_number_birth_date",
            "身份证号码中的出生日期晚于今天，请核对后重新输入",
            field,
        )

    if id_check_char(number[:17]) != number[17]:
        raise RuleViolation("id_number_checksum", "身份证号码校验位不正确，请核对后重新输入", field)

    if age_on(birth_date, today) < MIN_AGE:
        raise RuleViolation("id_number_underage", "未满16周岁，暂不能申请入会", field)

    gender = "male" if int(number[16]) % 2 else "female"
    return IdentityInfo(number, birth_date, gender, area_code, province_code)


def age_on(birth_date: date, today: date) -> int:
    """Full years of age on `today`; in common years a 29 February birthday falls on 1 March."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def _birth_date(yyyymmdd: str, field: str) -> date:
    year, month, day = int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:])
    try:
        birth_date = date(year, month, day)
    except ValueError:
        birth_date = None
    if birth_date is None or year < EARLIEST_BIRTH_YEAR:
        raise RuleViolation(
            "id_number_birth_date",
            "身份证号码中的出生日期不存在，请核对后重新输入",
            field,
        )
    return birth_date
