"""Backend of the city trade-union federation's WeChat mini-program."""

from flask import Flask

from service.config import load_config


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides what the environment says."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(overrides=config))
    app.json.ensure_ascii = False  # Chinese text as UTF-8, not \u escapes

    from service import commands, extensions
    from service.api import register_blueprints
    from service.core import logs
    from service.identity import auth
    from service.web import errors, idempotency, input_guard

    logs.init_app(app)
    extensions.init_app(app)
    auth.init_app(app)
    register_blueprints(app)
    errors.init_app(app)
    input_guard.init_app(app)
    idempotency.init_app(app)
    commands.init_app(app)
    return app
