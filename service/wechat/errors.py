"""Exceptions raised by the WeChat client; each keeps WeChat's errcode."""


class WeChatError(Exception):
    """A WeChat call failed; `errcode` is WeChat's code or None for transport failures."""

    def __init__(self, errcode: int | None = None, errmsg: str = ""):
        super().__init__(f"errcode={errcode} errmsg={errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatUnavailable(WeChatError):
    """WeChat could not be reached or is busy; worth retrying later."""


class InvalidCode(WeChatError):
    """A login or phone-number code is invalid, expired or already used."""


class AccessTokenInvalid(WeChatError):
    """The access token was rejected (invalid, expired or malformed)."""


class UserNotSubscribed(WeChatError):
    """The user has not accepted (or has used up) the subscribe-message template."""


_CLASSES: dict[int, type[WeChatError]] = {
    -1: WeChatUnavailable,
    45009: WeChatUnavailable,  # daily quota reached
    45011: WeChatUnavailable,  # per-minute quota reached
    40029: InvalidCode,
    40163: InvalidCode,
    40001: AccessTokenInvalid,
    40014: AccessTokenInvalid,
    42001: AccessTokenInvalid,
    43101: UserNotSubscribed,
}


def error_for(errcode: int | None, errmsg: str = "") -> WeChatError:
    """Build the exception matching a WeChat errcode."""
    cls = _CLASSES.get(errcode, WeChatError) if errcode is not None else WeChatError
    return cls(errcode, errmsg)
