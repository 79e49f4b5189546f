"""Masked forms of personal data for responses (个人信息保护法)."""

_STAR = "*"
# Show part of a value only when at least this many characters stay hidden.
_MIN_HIDDEN = 4


def _keep_ends(value: str, head: int, tail: int) -> str:
    hidden = len(value) - head - tail
    if hidden < _MIN_HIDDEN:
        return _STAR * max(len(value), _MIN_HIDDEN) if value else ""
    return value[:head] + _STAR * hidden + value[len(value) - tail :]


def _compact(value: str) -> str:
    return "".join(value.split())


def mask_id_number(value: str | None) -> str | None:
    """Keep the first 3 and last 4: 41010219900307123X -> 410***********123X."""
    return None if value is None else _keep_ends(_compact(value), 3, 4)


def mask_phone(value: str | None) -> str | None:
    """Keep the first 3 and last 4: 13812341234 -> 138****1234."""
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
