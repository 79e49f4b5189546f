"""Backend of the city trade-union federation's WeChat mini-program."""

from flask import Flask

from service.config import load_config


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides what the environment says."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(overrides=config))
    app.json.ensure_ascii = False  # Chinese text as UTF-8, not \u escapes

    from service import commands, console, extensions
    from service.api import register_blueprints
    from service.core import logs, proxies
    from service.core.database import close_replica_session
    from service.identity import auth
    from service.web import docs, errors, idempotency, input_guard, metrics, security_headers

    proxies.init_app(app)
    logs.init_app(app)
    extensions.init_app(app)
    auth.init_app(app)
    app.teardown_appcontext(close_replica_session)
    register_blueprints(app)
    console.init_app(app)
    errors.init_app(app)
    input_guard.init_app(app)
    idempotency.init_app(app)
    docs.init_app(app)
    metrics.init_app(app)
    security_headers.init_app(app)
    commands.init_app(app)
    return app
