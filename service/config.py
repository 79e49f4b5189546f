"""Configuration read from the environment when the app is built, never at import."""

import os
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-secret-key-change-me"
# 32 zero bytes, base64url: fine for a laptop, refused in production.
DEFAULT_DATA_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete."""


def _env(environ, name, default=None):
    value = environ.get(name, "").strip()
    return value or default


def load_config(overrides: dict | None = None, environ=None) -> dict:
    """Return the settings for the environment named by SERVICE_ENV."""
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    env = overrides.get("SERVICE_ENV") or _env(environ, "SERVICE_ENV", "development")
    database_url = _env(environ, "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'service.db'}")
    config = {
        "SERVICE_ENV": env,
        "TESTING": env == "testing",
        "SECRET_KEY": _env(environ, "SECRET_KEY", DEFAULT_SECRET_KEY),
        "DATA_KEY": _env(environ, "DATA_KEY", DEFAULT_DATA_KEY),
        "BLIND_INDEX_KEY": _env(environ, "BLIND_INDEX_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Optional: a replica of that database for reads that may lag a second (station
        # search, public station pages). Absent: every read goes to DATABASE_URL.
        "DATABASE_REPLICA_URL": _env(environ, "DATABASE_REPLICA_URL"),
        "REDIS_URL": _env(environ, "REDIS_URL"),
        "WECHAT_APPID": _env(environ, "WECHAT_APPID", "wx-dev-appid"),
        "WECHAT_SECRET": _env(environ, "WECHAT_SECRET", "dev-secret"),
        "WECHAT_API_BASE": _env(environ, "WECHAT_API_BASE", "https://api.weixin.qq.com"),
        "WECHAT_TPL_JOIN_RESULT": _env(environ, "WECHAT_TPL_JOIN_RESULT", "tpl-join-result"),
        "WECHAT_TPL_REFUND_RESULT": _env(environ, "WECHAT_TPL_REFUND_RESULT", "tpl-refund-result"),
        "WECHAT_TIMEOUT": float(_env(environ, "WECHAT_TIMEOUT", "10")),
        "WECHAT_CODE_PAGE": _env(environ, "WECHAT_CODE_PAGE", "pages/join/index"),
        "WECHAT_CODE_WIDTH": int(_env(environ, "WECHAT_CODE_WIDTH", "430")),
        "UPLOAD_DIR": _env(environ, "UPLOAD_DIR", str(INSTANCE_DIR / "uploads")),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "TOKEN_TTL_SECONDS": int(_env(environ, "TOKEN_TTL_SECONDS", str(7 * 24 * 3600))),
        "ADMIN_TOKEN_TTL_SECONDS": int(_env(environ, "ADMIN_TOKEN_TTL_SECONDS", str(8 * 3600))),
        # The member card's QR code: short-lived, so a screenshot cannot be passed around.
        "CARD_CODE_TTL_SECONDS": int(_env(environ, "CARD_CODE_TTL_SECONDS", "300")),
        "LOGIN_RATE_LIMIT": _env(environ, "LOGIN_RATE_LIMIT", "10 per minute"),
        "SUBMIT_RATE_LIMIT": _env(environ, "SUBMIT_RATE_LIMIT", "30 per minute"),
        "RATELIMIT_ENABLED": _env(environ, "RATELIMIT_ENABLED", "1") == "1",
        "LOG_LEVEL": _env(environ, "LOG_LEVEL", "INFO"),
        # How stale a process's copy of the public stations may be (service/stations/index.py).
        "STATION_INDEX_CHECK_SECONDS": float(
            _env(environ, "STATION_INDEX_CHECK_SECONDS", "0" if env == "testing" else "1")),
        # Each server process reads every public station at start, and again after changes,
        # in the background, rather than map tile by tile as searches need them.
        "STATION_INDEX_WARM": _env(environ, "STATION_INDEX_WARM",
                                   "0" if env == "testing" else "1") == "1",
        # A dead notification worker's claim on a message lapses after this long.
        "OUTBOX_CLAIM_SECONDS": int(_env(environ, "OUTBOX_CLAIM_SECONDS", "120")),
        # werkzeug's scrypt: deliberately slow. Tests may choose a cheaper method.
        "PASSWORD_HASH_METHOD": _env(environ, "PASSWORD_HASH_METHOD", "scrypt"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_recycle": 3600},
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
        "METRICS_ALLOW": _env(environ, "METRICS_ALLOW",
                              "" if env == "production" else "127.0.0.1,::1"),
        "METRICS_TOKEN": _env(environ, "METRICS_TOKEN"),
    }
    config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = _database_uri(config["SQLALCHEMY_DATABASE_URI"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("mysql"):
        # Fail fast when the server is down, so /readyz answers instead of hanging.
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        # The station index reads a map tile as one GROUP_CONCAT: allow it 8 MiB (the
        # default of 1 MiB would cut a dense tile; longer tiles are read row by row).
        options.setdefault("connect_args", {
            "connect_timeout": 5, "init_command": "SET SESSION group_concat_max_len = 8388608"})
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    _bind_replica(config)
    if env == "production":
        _refuse_unsafe(config)
    return config


def _bind_replica(config: dict) -> None:
    """DATABASE_REPLICA_URL as the `replica` bind, with the primary's engine options."""
    url = config.get("DATABASE_REPLICA_URL")
    if not url:
        return
    url = _database_uri(url)
    if url.split(":", 1)[0] != config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]:
        raise ConfigError("DATABASE_REPLICA_URL must be a replica of DATABASE_URL "
                          "(the same kind of database)")
    from service.core.database import REPLICA

    binds = dict(config.get("SQLALCHEMY_BINDS") or {})
    binds[REPLICA] = {"url": url, **config["SQLALCHEMY_ENGINE_OPTIONS"]}
    config["SQLALCHEMY_BINDS"] = binds


def _database_uri(url: str) -> str:
    """MySQL-family URLs in one form, with utf8mb4 (names and addresses are Chinese).

    `mariadb+pymysql://` is read as `mysql+pymysql://`: the same driver and server, and every
    MySQL setting here, column type and plan hint is keyed on the mysql dialect's name.
    """
    if url.startswith("mariadb"):
        url = "mysql" + url.removeprefix("mariadb")
    if url.startswith("mysql") and "charset=" not in url:
        url += ("&" if "?" in url else "?") + "charset=utf8mb4"
    return url


def _refuse_unsafe(config: dict) -> None:
    if config["SECRET_KEY"] in (None, "", DEFAULT_SECRET_KEY):
        raise ConfigError("SECRET_KEY must be set to a random value in production")
    if config["DATA_KEY"] in (None, "", DEFAULT_DATA_KEY):
        raise ConfigError("DATA_KEY must be set to real keys in production")
    if "127.0.0.1" in config["WECHAT_API_BASE"] or "localhost" in config["WECHAT_API_BASE"]:
        raise ConfigError("WECHAT_API_BASE points at a local fake in production")
