"""Extension objects, bound to the app in `init_app`."""

from pathlib import Path

from flask import Flask
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy

from service.core.database import Base
from service.core.proxies import client_address

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")



class ServiceApi(Api):
    """flask-smorest's Api, documenting our error payload and bearer tokens."""

    def __init__(self):
        from service.api.common import ErrorSchema

        self.ERROR_SCHEMA = ErrorSchema
        super().__init__()

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        self.spec.components.security_scheme(
            "bearerAuth", {"type": "http", "scheme": "bearer"})


class WeChat:
    """The app's WeChat client, built on first use around the shared token store."""

    def init_app(self, app: Flask) -> None:
        app.extensions["wechat"] = None

    @property
    def client(self):
        from flask import current_app

        from service.models.wechat import wechat_tokens
        from service.wechat import RedisTokenStore, SqlTokenStore, WeChatClient
        from service.wechat.fallback_store import FallbackTokenStore

        client = current_app.extensions.get("wechat")
        if client is None:
            config = current_app.config
            store = SqlTokenStore(db.engine, config["WECHAT_APPID"], wechat_tokens)
            if config["REDIS_URL"]:
                import redis

                redis_client = redis.Redis.from_url(config["REDIS_URL"], socket_timeout=1,
                                                    socket_connect_timeout=1)
                store = FallbackTokenStore(
                    RedisTokenStore(redis_client, config["WECHAT_APPID"]), store)
            client = WeChatClient(config["WECHAT_APPID"], config["WECHAT_SECRET"],
                                  config["WECHAT_API_BASE"], store,
                                  timeout=(3.05, config["WECHAT_TIMEOUT"]))
            current_app.extensions["wechat"] = client
        return client


db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=MIGRATIONS_DIR)
api = ServiceApi()
limiter = Limiter(key_func=client_address, default_limits=[])
wechat = WeChat()


def init_app(app: Flask) -> None:
    """Bind every extension to `app`."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    api.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # Redis going away must not take sign-in down: count in memory until it is back.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS",
                          {"socket_timeout": 1, "socket_connect_timeout": 1})
    limiter.init_app(app)
    wechat.init_app(app)
