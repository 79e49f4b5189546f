"""What production refuses: guessable secrets, published keys, dev WeChat settings, and a
WeChat address that is not a public host.

Each check returns problems (Chinese, naming the variable); service/config.py collects them.
About DNS: at start-up a WECHAT_API_BASE host that does not resolve is not a reason to
refuse (a resolver hiccup must not keep the service down after a restart; calls to WeChat
then fail and say so), but one that resolves to a local or private address is. `flask
check-config` also reports a host that does not resolve.
"""

import base64
import binascii
import difflib
import hashlib
import ipaddress
import math
import socket
from collections import Counter
from urllib.parse import urlsplit

from service.config import (
    DEFAULT_BLIND_INDEX_KEY,
    DEFAULT_DATA_KEY,
    DEFAULT_SECRET_KEY,
    ConfigError,
)

KEY_HOWTO = ('python3 -c "import base64, os; '
             'print(base64.urlsafe_b64encode(os.urandom(32)).decode())"')
SECRET_HOWTO = 'python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
# Settings that have a development default, and the defaults production refuses.
DEV_WECHAT = {"WECHAT_APPID": "wx-dev-appid", "WECHAT_SECRET": "dev-secret",
              "WECHAT_TPL_JOIN_RESULT": "tpl-join-result",
              "WECHAT_TPL_REFUND_RESULT": "tpl-refund-result"}
_KNOWN_SECRETS = {DEFAULT_SECRET_KEY, "bench-secret-key", "change-me", "CHANGE-ME"}


def _published_key(words: str) -> bytes:
    return hashlib.sha256(words.encode()).digest()


# Keys printed in this repository (defaults, benchmarks): anyone can read them.
_KNOWN_KEYS = {bytes(32), _published_key("bench data key"),
               _published_key("bench blind index key")}


# Variables read outside load_config (deploy/gunicorn.conf.py, the Flask CLI).
_OTHER_NAMES = {"SERVICE_ENV", "DATABASE_URL", "FLASK_APP", "FORWARDED_ALLOW_IPS",
                "GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT",
                "GUNICORN_MAX_REQUESTS", "GUNICORN_ACCESS_LOG", "GUNICORN_LOG_LEVEL"}


def misspelled_names(config: dict, environ) -> list[str]:
    """Variables that are not settings but nearly spell one (`RATELIMIT_ENABLE`): their
    value would be ignored without a word. Only `flask check-config` reports them."""
    known = set(config) | _OTHER_NAMES
    problems = []
    for name in sorted(environ):
        if name not in known and name.isupper():
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.85)
            if close:
                problems.append(f"{name} 不是本服务的设置，会被忽略：是否想写 {close[0]}？")
    return problems


def decode_key(text: str) -> bytes:
    """The 32 bytes a base64url key stands for; ValueError saying what is wrong."""
    text = text.strip()
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, binascii.Error) as exc:
        raise ValueError("不是 base64url 编码") from exc
    if len(key) != 32:
        raise ValueError(f"解码后是 {len(key)} 字节，必须正好 32 字节")
    return key


def key_entries(value: str | None) -> list[str]:
    """The comma-separated entries of a key setting, newest first."""
    return [entry.strip() for entry in (value or "").split(",") if entry.strip()]


def key_format_problems(config: dict) -> list[str]:
    """In every environment: each DATA_KEY / BLIND_INDEX_KEY entry is a 32-byte key."""
    problems = []
    for name in ("DATA_KEY", "BLIND_INDEX_KEY"):
        entries = key_entries(config.get(name))
        if not entries:
            problems.append(f"{name} 未设置；生成一个: {KEY_HOWTO}")
        for position, entry in enumerate(entries, 1):
            try:
                decode_key(entry)
            except ValueError as exc:
                problems.append(f"{name} 第 {position} 个密钥{exc}；生成一个: {KEY_HOWTO}")
    return problems


def _periodic(value) -> bool:
    """True when `value` is one shorter piece repeated (`abcabcabc`)."""
    return len(value) > 1 and (value + value).find(value, 1) < len(value)


def _estimated_bits(value) -> float:
    counts, length = Counter(value), len(value)
    return -sum(n * math.log2(n / length) for n in counts.values())


def secret_key_problems(value: str | None) -> list[str]:
    if not value or value == DEFAULT_SECRET_KEY:
        return [f"SECRET_KEY 未设置（或仍是开发用默认值）；生成一个: {SECRET_HOWTO}"]
    if value in _KNOWN_SECRETS:
        return [f"SECRET_KEY 是公开的默认值或示例值；生成一个: {SECRET_HOWTO}"]
    if len(value.encode()) < 32:
        return [f"SECRET_KEY 只有 {len(value.encode())} 字节，至少需要 32 字节；"
                f"生成一个: {SECRET_HOWTO}"]
    if _periodic(value) or len(set(value)) < 8 or _estimated_bits(value) < 128:
        return [f"SECRET_KEY 字符重复或种类太少，容易猜到；生成一个: {SECRET_HOWTO}"]
    return []


def key_strength_problems(name: str, value: str | None) -> list[str]:
    """Production: no entry all-zero, published or visibly not random (every entry)."""
    problems = []
    for position, entry in enumerate(key_entries(value), 1):
        try:
            key = decode_key(entry)
        except ValueError:
            continue  # reported by key_format_problems
        where = f"{name} 第 {position} 个密钥"
        if key == bytes(32):
            problems.append(f"{where}全为零；生成一个: {KEY_HOWTO}")
        elif key in _KNOWN_KEYS:
            problems.append(f"{where}是公开的默认值或示例值；生成一个: {KEY_HOWTO}")
        elif _periodic(key) or len(set(key)) < 16:
            problems.append(f"{where}不是随机生成的（字节重复）；生成一个: {KEY_HOWTO}")
    return problems


def production_problems(config: dict, dns_failure_is_problem: bool) -> list[str]:
    """Everything production refuses, all at once."""
    problems = secret_key_problems(config["SECRET_KEY"])
    for name, default in (("DATA_KEY", DEFAULT_DATA_KEY),
                          ("BLIND_INDEX_KEY", DEFAULT_BLIND_INDEX_KEY)):
        if config[name] == default:
            problems.append(f"{name} 未设置（或仍是开发用默认值）；生成一个: {KEY_HOWTO}")
        else:
            problems += key_strength_problems(name, config[name])
    blind = key_entries(config["BLIND_INDEX_KEY"])[:1]
    data_keys = key_entries(config["DATA_KEY"])
    if blind and blind[0] != DEFAULT_BLIND_INDEX_KEY and blind[0] in data_keys:
        problems.append("BLIND_INDEX_KEY 的第一个密钥不能与 DATA_KEY 中的密钥相同："
                        "两者要能分别轮换")
    templates = sorted(name for name in config if name.startswith("WECHAT_TPL_"))
    for name in ("WECHAT_APPID", "WECHAT_SECRET", *templates):
        value = (config.get(name) or "").strip()
        if not value or value == DEV_WECHAT.get(name):
            problems.append(f"{name} 未设置（或仍是开发用默认值）：填写小程序后台的值")
    if not config["SESSION_COOKIE_SECURE"]:
        problems.append("SESSION_COOKIE_SECURE 在生产环境必须开启："
                        "工作台的登录会话只能经 HTTPS 发送")
    return problems + wechat_base_problems(config["WECHAT_API_BASE"], dns_failure_is_problem)


def resolve(host: str) -> list[str]:
    """The addresses `host` resolves to (socket.gaierror when it does not)."""
    return [info[4][0] for info in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)]


def _literal_address(host: str):
    """`host` as an address when it is written as one, in any form the C library accepts
    (`127.1`, `2130706433`, `0x7f000001`, `[::1]`); None for a name."""
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _public(address) -> bool:
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def wechat_base_problems(url: str, dns_failure_is_problem: bool) -> list[str]:
    """WECHAT_API_BASE is https:// to a host on the public internet."""
    name = "WECHAT_API_BASE"
    parts = urlsplit(url or "")
    scheme = ([] if parts.scheme.lower() == "https" else
              [f"{name}={url!r} 必须以 https:// 开头（生产环境只连微信的公网接口）"])
    try:
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:  # an unbalanced [ in the address
        host = ""
    if not host:
        return [*scheme, f"{name}={url!r} 没有可用的主机名"]
    return scheme + _host_problems(name, url, host, dns_failure_is_problem)


def _host_problems(name: str, url: str, host: str, dns_failure_is_problem: bool) -> list[str]:
    refused = [f"{name}={url!r} 指向本机、内网或保留地址：生产环境必须是微信的公网地址"]
    if host == "localhost" or host.endswith(".localhost"):
        return refused
    literal = _literal_address(host)
    if literal is not None:
        return [] if _public(literal) else refused
    try:
        addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolve(host)]
    except (OSError, UnicodeError):
        return [f"{name} 的主机 {host} 无法解析（DNS）"] if dns_failure_is_problem else []
    return [] if all(_public(address) for address in addresses) else refused


RATE_LIMITS = ("LOGIN_RATE_LIMIT", "SUBMIT_RATE_LIMIT", "EXACT_LOOKUP_LIMIT",
               "WECHAT_LOGIN_CODE_LIMIT", "WECHAT_LOGIN_ACCOUNT_LIMIT",
               "WECHAT_LOGIN_ADDRESS_LIMIT", "ENTERPRISE_RATE_LIMIT")
POSITIVE = ("ENTERPRISES_PER_ACCOUNT", "STATION_IMPORT_BUDGET_SECONDS", "CONSOLE_IDLE_MINUTES",
            "RETENTION_DAYS")


def value_problems(config: dict) -> list[str]:
    """Settings that would silently do nothing when unreadable: rate limits, caps and
    budgets, the trusted proxies."""
    from limits import parse_many

    from service.core.proxies import parse_trusted_proxies
    from service.core.spreadsheets import EXCEL_SHEET_ROWS

    problems = []
    for name in RATE_LIMITS:
        try:
            parse_many(config[name])
        except ValueError:
            problems.append(f"{name}={config[name]!r} 不是限流写法，应如 '30 per hour'")
    for name in POSITIVE:
        if not 0 < config[name] < float("inf"):
            problems.append(f"{name}={config[name]!r} 应为正数")
    if not 0 < config["XLSX_SHEET_ROWS"] <= EXCEL_SHEET_ROWS:
        problems.append(f"XLSX_SHEET_ROWS={config['XLSX_SHEET_ROWS']!r} 应为 1 到 "
                        f"{EXCEL_SHEET_ROWS} 之间的整数（Excel 每个工作表最多 1048576 行，含表头）")
    try:
        parse_trusted_proxies(config["TRUSTED_PROXIES"])
    except ConfigError as exc:
        problems += exc.problems
    return problems
