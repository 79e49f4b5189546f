"""In-memory state and rules of the fake WeChat server (development and tests only)."""

import hashlib
import struct
import threading
import time
import zlib
from collections import Counter, deque

LOG_CAP = 1000
RENEW_BEFORE = 300  # the stable token is renewed 5 minutes before it expires
FAULT_MODES = ("timeout", "delay", "http500", "busy")

# WeChat's own limits per subscribe-message key type, kept apart from the client's
# copy so that the fake checks the client rather than agreeing with it.
_VALUE_LIMITS = {"thing": 20, "character_string": 32, "number": 32, "letter": 32,
                 "symbol": 5, "phrase": 5, "phone_number": 17, "car_number": 8}


def fake_openid(appid: str, user_key: str) -> str:
    """Stable 28-character openid for a user of an app."""
    return "o" + hashlib.sha256(f"{appid}:{user_key}".encode()).hexdigest()[:27]


def fake_unionid(user_key: str) -> str:
    """Stable unionid for a user (same across apps)."""
    return "u" + hashlib.sha256(f"union:{user_key}".encode()).hexdigest()[:27]


def user_key_of(code: str) -> tuple[str, bool]:
    """The user part of a login code and whether it follows the `user-<name>` form."""
    if code.startswith("user-") and len(code) > 5:
        return code[5:].split("-", 1)[0], True
    return code, False


def fake_phone(code: str) -> str:
    """Phone number for a getPhoneNumber code: `phone-<11 digits>` or a stable 138... one."""
    if code.startswith("phone-"):
        digits = code[6:].split("-", 1)[0]
        if len(digits) == 11 and digits.isdigit():
            return digits
    return "138" + str(int(hashlib.sha256(code.encode()).hexdigest(), 16))[-8:]


def subscribe_data_error(data) -> str | None:
    """WeChat's 47003 message for invalid template data, or None when it is acceptable."""
    if not isinstance(data, dict) or not data:
        return "argument invalid! data is empty"
    for key, item in data.items():
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or not value:
            return f"argument invalid! data.{key}.value is empty"
        kind = key.rstrip("0123456789")
        limit = _VALUE_LIMITS.get(kind)
        if kind == "name":
            limit = 20 if value.isascii() else 10
        if limit is not None and len(value) > limit:
            return f"argument invalid! data.{key}.value exceeds limit"
    return None


def tiny_png(seed: str, cells: int = 21, scale: int = 4) -> bytes:
    """A valid grayscale PNG with a blocky pattern derived from `seed` (no imaging library)."""
    bits = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    rows = []
    for y in range(cells):
        row = bytes(0 if (bits >> ((x * 7 + y * 13) % 256)) & 1 else 255
                    for x in range(cells) for _ in range(scale))
        rows.extend([b"\x00" + row] * scale)
    side = cells * scale

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


class FakeState:
    """Everything the fake remembers; all methods are thread-safe."""

    def __init__(self, token_ttl: int = 7200):
        self.token_ttl = token_ttl
        self._lock = threading.Lock()
        self._token_serial = 0  # never reset, so a token name is never reissued
        self.reset()

    def reset(self) -> None:
        """Forget tokens, used codes, faults, subscriptions and the request log."""
        with self._lock:
            self._tokens: dict[str, dict] = {}
            self._current: dict[str, str] = {}
            self._used_codes: set[tuple[str, str]] = set()
            self._unsubscribed: set[str] = set()
            self._faults: dict[str, dict] = {}
            self._requests: deque = deque(maxlen=LOG_CAP)
            self._counts: Counter = Counter()
            self._stable_token: deque = deque(maxlen=LOG_CAP)
            self._messages: deque = deque(maxlen=LOG_CAP)

    def record_request(self, method: str, path: str) -> dict | None:
        """Log a request and return the fault to inject into it, if any."""
        with self._lock:
            fault = self._faults.get(path)
            if fault:
                fault["count"] -= 1
                if fault["count"] <= 0:
                    del self._faults[path]
            self._counts[path] += 1
            self._requests.append({"method": method, "path": path,
                                   "fault": fault["mode"] if fault else None})
            return dict(fault) if fault else None

    def add_fault(self, path: str, mode: str, count: int = 1, seconds: float = 2.0) -> None:
        """Make the next `count` requests to `path` fail in the given mode."""
        if mode not in FAULT_MODES:
            raise ValueError(f"mode must be one of {FAULT_MODES}")
        with self._lock:
            self._faults[path] = {"mode": mode, "count": int(count), "seconds": float(seconds)}

    def issue_token(self, appid: str, force_refresh: bool) -> tuple[str, int]:
        """Token for stable_token: the current one while it lasts, else a new one."""
        now = time.time()
        with self._lock:
            self._stable_token.append({"appid": appid, "force_refresh": force_refresh})
            current = self._tokens.get(self._current.get(appid, ""))
            if force_refresh and current:
                current["revoked"] = 40001
            elif current and not current["revoked"] and current["expires"] - now >= RENEW_BEFORE:
                return self._current[appid], int(current["expires"] - now)
            self._token_serial += 1
            token = f"fake-token-{self._token_serial}"
            self._tokens[token] = {"expires": now + self.token_ttl, "revoked": 0, "appid": appid}
            self._current[appid] = token
            return token, self.token_ttl

    def token_errcode(self, token: str | None) -> int:
        """0 when a business call may use `token`, else WeChat's errcode for it."""
        if not token:
            return 41001
        with self._lock:
            info = self._tokens.get(token)
            if info is None:
                return 40001
            if info["revoked"]:
                return info["revoked"]
            return 42001 if info["expires"] <= time.time() else 0

    def token_appid(self, token: str) -> str | None:
        """The appid a token was issued to."""
        with self._lock:
            return self._tokens.get(token, {}).get("appid")

    def expire_tokens(self, errcode: int = 40001) -> None:
        """Invalidate every issued token; business calls then answer `errcode`."""
        with self._lock:
            for info in self._tokens.values():
                info["revoked"] = errcode

    def use_code(self, kind: str, code: str) -> bool:
        """Mark a one-time code used; False if it was used before."""
        with self._lock:
            if (kind, code) in self._used_codes:
                return False
            self._used_codes.add((kind, code))
            return True

    def unsubscribe(self, openid: str) -> None:
        """Make subscribe messages to `openid` fail with 43101."""
        with self._lock:
            self._unsubscribed.add(openid)

    def is_unsubscribed(self, openid: str) -> bool:
        """Whether `openid` refuses subscribe messages."""
        with self._lock:
            return "nosub" in openid or openid in self._unsubscribed

    def record_message(self, message: dict) -> None:
        """Keep a delivered subscribe message for inspection."""
        with self._lock:
            self._messages.append(message)

    def snapshot(self) -> dict:
        """The request log as plain JSON-ready data."""
        with self._lock:
            return {
                "requests": list(self._requests),
                "counts": dict(self._counts),
                "stable_token_calls": self._counts["/cgi-bin/stable_token"],
                "stable_token": list(self._stable_token),
                "messages": list(self._messages),
            }
