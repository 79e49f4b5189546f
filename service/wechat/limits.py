"""Local checks for WeChat's field limits, applied before a request is sent."""

import re

SCENE_PATTERN = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@._~-]{1,32}")

# Subscribe-message value limits by key type (key "thing1" has type "thing").
SUBSCRIBE_LIMITS = {
    "thing": 20,
    "character_string": 32,
    "number": 32,
    "letter": 32,
    "symbol": 5,
    "phrase": 5,
    "phone_number": 17,
    "car_number": 8,
}
_NAME_LIMIT_CHINESE = 10
_NAME_LIMIT_LATIN = 20
_ELLIPSIS = "…"


def validate_scene(scene: str) -> str:
    """Return `scene` if WeChat accepts it as a mini-program code scene, else ValueError."""
    if not isinstance(scene, str) or not SCENE_PATTERN.fullmatch(scene):
        raise ValueError("scene must be 1-32 characters of [0-9A-Za-z!#$&'()*+,/:;=?@._~-]")
    return scene


def key_type(key: str) -> str:
    """Type part of a subscribe-message key: "thing12" -> "thing"."""
    return key.rstrip("0123456789")


def subscribe_limit(key: str, value: str) -> int | None:
    """Maximum length WeChat allows for this key's value, or None for no length limit."""
    kind = key_type(key)
    if kind == "name":
        # A name with any non-Latin character counts as a Chinese name.
        return _NAME_LIMIT_LATIN if value.isascii() else _NAME_LIMIT_CHINESE
    return SUBSCRIBE_LIMITS.get(kind)


def truncate_subscribe_value(key: str, value: str) -> str:
    """Shorten a subscribe-message value to the limit of its key type."""
    value = str(value)
    limit = subscribe_limit(key, value)
    if limit is None or len(value) <= limit:
        return value
    if key_type(key) == "thing":
        # Free text reads better with a visible cut; other types must keep their charset.
        return value[: limit - 1] + _ELLIPSIS
    return value[:limit]
