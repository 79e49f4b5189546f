"""Extension objects, bound to the app in `init_app`."""

from pathlib import Path

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy

from service.database import Base

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")



class ServiceApi(Api):
    """flask-smorest's Api, documenting our error payload and bearer tokens."""

    def __init__(self):
        from service.api.schemas import ErrorSchema

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

        from service.wechat import RedisTokenStore, SqlTokenStore, WeChatClient

        client = current_app.extensions.get("wechat")
        if client is None:
            config = current_app.config
            if config["REDIS_URL"]:
                import redis

                store = RedisTokenStore(redis.Redis.from_url(config["REDIS_URL"]),
                                        config["WECHAT_APPID"])
            else:
                from service.models.wechat import wechat_tokens

                store = SqlTokenStore(db.engine, config["WECHAT_APPID"], wechat_tokens)
            client = WeChatClient(config["WECHAT_APPID"], config["WECHAT_SECRET"],
                                  config["WECHAT_API_BASE"], store,
                                  timeout=(3.05, config["WECHAT_TIMEOUT"]))
            current_app.extensions["wechat"] = client
        return client


db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=MIGRATIONS_DIR)
api = ServiceApi()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
wechat = WeChat()


def init_app(app: Flask) -> None:
    """Bind every extension to `app`."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    api.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    wechat.init_app(app)
