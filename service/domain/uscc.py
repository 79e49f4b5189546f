"""Unified social credit codes (GB 32100)."""

import re
import unicodedata

from service.domain.errors import RuleViolation

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
UNION_PREFIX = "81"

_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_FORMAT = re.compile(f"[{ALPHABET}]{{18}}")


def normalize_uscc(raw: str) -> str:
    """Drop all whitespace, fold full-width characters and uppercase."""
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(text.split()).upper()


def uscc_check_char(first17: str) -> str:
    """Return the check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(char not in _VALUE for char in first17):
        raise ValueError("first17 must be 17 characters of the GB 32100 alphabet")
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def make_uscc(first17: str) -> str:
    """Complete 17 characters into a valid credit code."""
    return first17 + uscc_check_char(first17)


def validate_uscc(raw: str, *, field: str = "uscc") -> str:
    """Return the normalised credit code or raise RuleViolation."""
    code = _well_formed(raw, field)
    _check(code, field)
    return code


def validate_union_uscc(raw: str, *, field: str = "uscc") -> str:
    """Like validate_uscc, and the code must be a union's (starting with 81)."""
    code = _well_formed(raw, field)
    # Checked before the check character: a company's code entered by mistake is the
    # likelier error, and this message tells the worker what to look for.
    if not code.startswith(UNION_PREFIX):
        raise RuleViolation("union_uscc_prefix", "工会统一社会信用代码应以81开头", field)
    _check(code, field)
    return code


def _well_formed(raw: str, field: str) -> str:
    code = normalize_uscc(raw) if raw is not None else ""
    if not _FORMAT.fullmatch(code):
        raise RuleViolation(
            "uscc_format",
            "统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）",
            field,
        )
    return code


def _check(code: str, field: str) -> None:
    if uscc_check_char(code[:17]) != code[17]:
        raise RuleViolation(
            "uscc_checksum", "统一社会信用代码校验位不正确，请核对后重新输入", field
        )
