"""Masked forms of personal data for responses (个人信息保护法)."""

_STAR = "*"
# Show part of a value only when at least this many characters stay hidden.
_MIN_HIDDEN = 4


def _keep_ends(value: str, head: int, tail: int, min_hidden: int = _MIN_HIDDEN) -> str:
    hidden = len(value) - head - tail
    if hidden < min_hidden:
        return _STAR * max(len(value), min_hidden) if value else ""
    return value[:head] + _STAR * hidden + value[len(value) - tail :]


def _compact(value: str) -> str:
    return "".join(value.split())


def mask_id_number(value: str | None) -> str | None:
    """Keep the first 3 and the last 1: 41010219900307123X -> 410**************X.

    Staff answers show a masked ID beside the gender and the birth year (never the full
    birth date), and may show the residence district, which is often the ID's own area.
    An 18-character ID is 6 area digits, 8 birth-date digits, 3 sequence digits (the third
    odd for men) and a check character computed from the first 17. Assume the worst: the
    attacker knows the county, so only month-and-day, the sequence and the check are open.
    - first 3 + last 1: 365 days x 100 x 5 sequences (gender known) = 182,500 first-17
      strings, of which the known check keeps 1 in 11: about 16,590 >= 10,000 candidates.
    - first 3 + last 2 (the gender digit shown): 365 x 100 / 11 = about 3,318: too few.
    - first 3 + last 4 (the old form): 365 / 11 = about 33; beside the full birth date,
      1,000 areas / 11 = 91 even with the county unknown (the reported oracle).
    Anything shorter than 18 (an old 15-digit number, a typo) is hidden entirely.
    """
    return None if value is None else _keep_ends(_compact(value), 3, 1, min_hidden=14)


def mask_phone(value: str | None) -> str | None:
    """Keep the first 3 and last 4: 13812341234 -> 138****1234 (10,000 candidates)."""
    return None if value is None else _keep_ends(_compact(value), 3, 4)


def mask_bank_account(value: str | None) -> str | None:
    """Keep the last 4 after a fixed mask: 6222021234567891234 -> **** 1234."""
    if value is None:
        return None
    account = _compact(value)
    if len(account) < 4 + _MIN_HIDDEN:
        return _STAR * 4 if account else ""
    return f"{_STAR * 4} {account[-4:]}"


def mask_name(value: str | None) -> str | None:
    """Keep the first character: 张三丰 -> 张**; a one-character name is hidden entirely."""
    if value is None:
        return None
    name = value.strip()
    if len(name) <= 1:
        return _STAR * len(name)
    return name[0] + _STAR * (len(name) - 1)
