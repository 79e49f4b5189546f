"""Configuration read from the environment when the app is built, never at import.

Every problem is collected first and reported together: `create_app` refuses to start with
all of them, and `flask check-config` prints them for an operator (service/commands.py).
"""

import os
from pathlib import Path

ENVIRONMENTS = ("development", "testing", "production")
DEFAULT_SECRET_KEY = "dev-secret-key-change-me"
# 32 zero bytes, base64url: fine for a laptop, refused in production. The blind index of a
# laptop's database stays under the same zero key it always had.
DEFAULT_DATA_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
DEFAULT_BLIND_INDEX_KEY = DEFAULT_DATA_KEY
MAX_MEMBER_TOKEN_TTL_SECONDS = 7 * 24 * 3600
INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; `problems` lists each finding."""

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        return f"配置有误（{len(self.problems)} 项）:\n{lines}"


class _Reader:
    """Reads variables, noting a problem (with the variable's name) for any unusable value."""

    def __init__(self, environ):
        self.environ = environ
        self.problems: list[str] = []

    def text(self, name, default=None):
        value = self.environ.get(name, "").strip()
        return value or default

    def flag(self, name, default: bool) -> bool:
        value = self.text(name, "").lower()
        if not value:
            return default
        if value not in _TRUE + _FALSE:
            self.problems.append(f"{name}={value!r} 无法识别：请写 1 或 0（true/false）")
            return default
        return value in _TRUE

    def number(self, name, default: str, kind=int):
        value = self.text(name, default)
        try:
            return kind(value)
        except ValueError:
            self.problems.append(f"{name}={value!r} 不是数字")
            return kind(default)


def service_env(overrides: dict, environ) -> tuple[str | None, list[str]]:
    """SERVICE_ENV, or None and the problem when it is unset or not one of ENVIRONMENTS."""
    env = overrides.get("SERVICE_ENV") or environ.get("SERVICE_ENV", "").strip()
    if env in ENVIRONMENTS:
        return env, []
    shown = repr(env) if env else "未设置"
    return None, [f"SERVICE_ENV {shown}：必须明确设置为 {' / '.join(ENVIRONMENTS)} 之一"
                  "（区分大小写），服务拒绝在未知环境下启动"]


def read_config(overrides: dict | None = None, environ=None,
                thorough: bool = False) -> tuple[dict, list[str]]:
    """The settings and every problem found with them (none: the app may start).

    An unknown SERVICE_ENV is judged by the production rules as well, so an operator who
    wrote `Production` sees at once everything else production would refuse. `thorough`
    (`flask check-config`) also reports a WeChat host that does not resolve and variables
    that nearly spell a setting's name.
    """
    from service.config_database import bind_replica, database_uri
    from service.config_rules import (
        key_format_problems,
        misspelled_names,
        production_problems,
        value_problems,
    )

    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    env, problems = service_env(overrides, environ)
    config, reader = _settings(env or "production", environ)
    config.update(overrides)
    config["SERVICE_ENV"] = env
    config["SQLALCHEMY_DATABASE_URI"] = database_uri(config["SQLALCHEMY_DATABASE_URI"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("mysql"):
        # Fail fast when the server is down, so /readyz answers instead of hanging.
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        # The station index reads a map tile as one GROUP_CONCAT: allow it 8 MiB (the
        # default of 1 MiB would cut a dense tile; longer tiles are read row by row).
        options.setdefault("connect_args", {
            "connect_timeout": 5, "init_command": "SET SESSION group_concat_max_len = 8388608"})
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if config["LOG_LEVEL"] not in _LOG_LEVELS:
        reader.problems.append(f"LOG_LEVEL={config['LOG_LEVEL']!r} 无法识别："
                               f"请写 {' / '.join(_LOG_LEVELS)} 之一")
    reader.problems += value_problems(config)
    reader.problems += bind_replica(config)
    if config["TOKEN_TTL_SECONDS"] > MAX_MEMBER_TOKEN_TTL_SECONDS:
        reader.problems.append(f"TOKEN_TTL_SECONDS 最长 {MAX_MEMBER_TOKEN_TTL_SECONDS} 秒"
                               "（7 天）：会员登录凭证不得更长")
    problems += reader.problems + key_format_problems(config)
    if env in (None, "production"):
        problems += production_problems(config, dns_failure_is_problem=thorough)
    if thorough:
        problems += misspelled_names(config, environ)
    return config, problems


def load_config(overrides: dict | None = None, environ=None) -> dict:
    """Return the settings for the environment named by SERVICE_ENV; ConfigError with
    every problem when any."""
    config, problems = read_config(overrides, environ)
    if problems:
        raise ConfigError(problems)
    return config


def _settings(env: str, environ) -> tuple[dict, _Reader]:
    read = _Reader(environ)
    testing = env == "testing"
    config = {
        "TESTING": testing,
        "SECRET_KEY": read.text("SECRET_KEY", DEFAULT_SECRET_KEY),
        "DATA_KEY": read.text("DATA_KEY", DEFAULT_DATA_KEY),
        "BLIND_INDEX_KEY": read.text("BLIND_INDEX_KEY", DEFAULT_BLIND_INDEX_KEY),
        "SQLALCHEMY_DATABASE_URI": read.text("DATABASE_URL",
                                             f"sqlite:///{INSTANCE_DIR / 'service.db'}"),
        # Optional: a replica of that database for reads that may lag a second (station
        # search, public station pages, staff lists and exports). Absent: every read goes to
        # DATABASE_URL.
        "DATABASE_REPLICA_URL": read.text("DATABASE_REPLICA_URL"),
        "REDIS_URL": read.text("REDIS_URL"),
        "WECHAT_APPID": read.text("WECHAT_APPID", "wx-dev-appid"),
        "WECHAT_SECRET": read.text("WECHAT_SECRET", "dev-secret"),
        "WECHAT_API_BASE": read.text("WECHAT_API_BASE", "https://api.weixin.qq.com"),
        "WECHAT_TPL_JOIN_RESULT": read.text("WECHAT_TPL_JOIN_RESULT", "tpl-join-result"),
        "WECHAT_TPL_REFUND_RESULT": read.text("WECHAT_TPL_REFUND_RESULT", "tpl-refund-result"),
        "WECHAT_TIMEOUT": read.number("WECHAT_TIMEOUT", "10", float),
        "WECHAT_CODE_PAGE": read.text("WECHAT_CODE_PAGE", "pages/join/index"),
        "WECHAT_CODE_WIDTH": read.number("WECHAT_CODE_WIDTH", "430"),
        "UPLOAD_DIR": read.text("UPLOAD_DIR", str(INSTANCE_DIR / "uploads")),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "TOKEN_TTL_SECONDS": read.number("TOKEN_TTL_SECONDS", str(7 * 24 * 3600)),
        "ADMIN_TOKEN_TTL_SECONDS": read.number("ADMIN_TOKEN_TTL_SECONDS", str(8 * 3600)),
        # The member card's QR code: short-lived, so a screenshot cannot be passed around.
        "CARD_CODE_TTL_SECONDS": read.number("CARD_CODE_TTL_SECONDS", "300"),
        "LOGIN_RATE_LIMIT": read.text("LOGIN_RATE_LIMIT", "10 per minute"),
        "SUBMIT_RATE_LIMIT": read.text("SUBMIT_RATE_LIMIT", "30 per minute"),
        # WeChat login: per wx.login code, per account (openid) and per client address; the
        # address ceiling leaves room for 300 people signing up on one Wi-Fi in a minute.
        "WECHAT_LOGIN_CODE_LIMIT": read.text("WECHAT_LOGIN_CODE_LIMIT", "5 per minute"),
        "WECHAT_LOGIN_ACCOUNT_LIMIT": read.text("WECHAT_LOGIN_ACCOUNT_LIMIT", "10 per minute"),
        "WECHAT_LOGIN_ADDRESS_LIMIT": read.text("WECHAT_LOGIN_ADDRESS_LIMIT", "600 per minute"),
        # Proxy hops (a count) or proxy addresses/CIDRs whose X-Forwarded-For is believed
        # (service/core/proxies.py); 0 trusts none.
        "TRUSTED_PROXIES": read.text("TRUSTED_PROXIES", "0"),
        # Enterprises one mini-program account may register, and how fast (credit-code
        # squatting).
        "ENTERPRISE_RATE_LIMIT": read.text("ENTERPRISE_RATE_LIMIT", "5 per hour"),
        "ENTERPRISES_PER_ACCOUNT": read.number("ENTERPRISES_PER_ACCOUNT", "3"),
        # A station ledger import that runs longer is refused whole (nothing saved).
        "STATION_IMPORT_BUDGET_SECONDS": read.number("STATION_IMPORT_BUDGET_SECONDS", "20",
                                                     float),
        # Searches by a full ID number or phone, per staff account (service/identity/lookups.py).
        "EXACT_LOOKUP_LIMIT": read.text("EXACT_LOOKUP_LIMIT", "30 per hour"),
        "RATELIMIT_ENABLED": read.flag("RATELIMIT_ENABLED", True),
        "LOG_LEVEL": read.text("LOG_LEVEL", "INFO").upper(),
        # How stale a process's copy of the public stations may be (service/stations/index.py).
        "STATION_INDEX_CHECK_SECONDS": read.number(
            "STATION_INDEX_CHECK_SECONDS", "0" if testing else "1", float),
        # Each server process reads every public station at start, and again after changes,
        # in the background, rather than map tile by tile as searches need them.
        "STATION_INDEX_WARM": read.flag("STATION_INDEX_WARM", not testing),
        # Personal data of rejected or withdrawn applications and erased accounts is purged
        # this many days after (`flask retention purge`, service/joining/retention.py).
        "RETENTION_DAYS": read.number("RETENTION_DAYS", "180"),
        # Rows under the header of each sheet of an xlsx export (at most Excel's 1,048,575);
        # a longer export goes on in another sheet, with its own header.
        "XLSX_SHEET_ROWS": read.number("XLSX_SHEET_ROWS", "1048575"),
        # A dead notification worker's claim on a message lapses after this long.
        "OUTBOX_CLAIM_SECONDS": read.number("OUTBOX_CLAIM_SECONDS", "120"),
        # werkzeug's scrypt: deliberately slow. Tests may choose a cheaper method.
        "PASSWORD_HASH_METHOD": read.text("PASSWORD_HASH_METHOD", "scrypt"),
        # hide_parameters: a database error's text names the statement, never the values.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_recycle": 3600,
                                      "hide_parameters": True},
        # flask-smorest / OpenAPI
        "API_TITLE": "工会服务小程序 API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",  # service/web/docs.py
        "JSON_SORT_KEYS": False,
        # GET /metrics: from these addresses (comma-separated, CIDR allowed), or with
        # `Authorization: Bearer <METRICS_TOKEN>`; nobody else.
        "METRICS_ALLOW": read.text("METRICS_ALLOW",
                                   "" if env == "production" else "127.0.0.1,::1"),
        "METRICS_TOKEN": read.text("METRICS_TOKEN"),
        # The staff console (/console/): its signed session cookie, never readable by
        # scripts, sent on top-level navigation only, over HTTPS only in production; a
        # session unused this many minutes ends.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": read.flag("SESSION_COOKIE_SECURE", env == "production"),
        "CONSOLE_IDLE_MINUTES": read.number("CONSOLE_IDLE_MINUTES", "30"),
        # CSRF tokens: the console checks them itself (the JSON API uses bearer tokens).
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        # Map tiles behind the console's station map (https://host/{z}/{x}/{y}.png, GCJ-02
        # Web Mercator); empty: the points on a plain background, nothing loaded elsewhere.
        "CONSOLE_MAP_TILES": read.text("CONSOLE_MAP_TILES", ""),
    }
    return config, read
