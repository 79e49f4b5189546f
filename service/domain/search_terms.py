"""What a staff search box was given: a full phone number, a full ID number, or a name."""

import re

from service.domain.idcard import normalize_id_number

_MOBILE = re.compile(r"1[3-9]\d{9}")
_ID_NUMBER = re.compile(r"\d{17}[\dX]")


def exact_lookup(q: str | None) -> tuple[str, str] | None:
    """("phone" or "id_number", the number) when `q` is a full phone or ID number."""
    compact = "".join((q or "").split())
    if _MOBILE.fullmatch(compact):
        return "phone", compact
    number = normalize_id_number(compact)
    if _ID_NUMBER.fullmatch(number):
        return "id_number", number
    return None
