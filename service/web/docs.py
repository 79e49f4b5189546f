"""The interactive API reference, served whole by the app: no asset from another origin.

Swagger UI's files come from the pinned `swagger-ui-bundle` package (Swagger UI 4.15.5);
the page itself is `service/templates/swagger_ui.html`, which replaces flask-smorest's
(whose inline script a Content-Security-Policy of 'self' would block).
"""

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, Flask, send_from_directory

ASSETS = Path(swagger_ui_bundle.swagger_ui_path)
ASSETS_URL = "/api/v1/docs/assets/"

bp = Blueprint("docs", __name__)


@bp.get(ASSETS_URL + "<path:name>")
def asset(name: str):
    """One file of Swagger UI's distribution (404 for anything else)."""
    return send_from_directory(ASSETS, name, max_age=86400)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
