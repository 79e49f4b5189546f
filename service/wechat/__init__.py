"""WeChat mini-program server API: client, token storage and errors (no Flask request code)."""

from service.wechat.client import WeChatClient
from service.wechat.errors import (
    AccessTokenInvalid,
    InvalidCode,
    UserNotSubscribed,
    WeChatError,
    WeChatUnavailable,
    error_for,
)
from service.wechat.limits import truncate_subscribe_value, validate_scene
from service.wechat.token_store import (
    LockTimeout,
    RedisTokenStore,
    SqlTokenStore,
    TokenStore,
    define_token_table,
)

__all__ = [
    "AccessTokenInvalid",
    "InvalidCode",
    "LockTimeout",
    "RedisTokenStore",
    "SqlTokenStore",
    "TokenStore",
    "UserNotSubscribed",
    "WeChatClient",
    "WeChatError",
    "WeChatUnavailable",
    "define_token_table",
    "error_for",
    "truncate_subscribe_value",
    "validate_scene",
]
