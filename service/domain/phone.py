"""Mainland mobile phone numbers."""

import re
import unicodedata

from service.domain.errors import RuleViolation

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_COUNTRY_PREFIXES = ("+86", "0086", "86")


def normalize_mobile(raw: str, *, field: str = "phone") -> str:
    """Return the bare 11-digit mobile number, accepting a +86 prefix, spaces and dashes."""
    text = unicodedata.normalize("NFKC", str(raw)) if raw is not None else ""
    digits = "".join(text.split()).replace("-", "")
    for prefix in _COUNTRY_PREFIXES:
        # A bare number starts with 1, so only a 13+ character string can carry "86".
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _MOBILE.fullmatch(digits):
        raise RuleViolation("phone_invalid", "手机号码应为11位数字，以1开头", field)
    return digits


def phone_tail(phone: str | None) -> str | None:
    """The last four digits of a phone number (what its masked form shows), or None."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    return digits[-4:] if len(digits) >= 4 else None
