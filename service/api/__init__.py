"""HTTP resources: every blueprint of the service, mounted in one place."""

from flask import Flask

PREFIX = "/api/v1"


def register_blueprints(app: Flask) -> None:
    """Mount the health checks at the root and every resource under /api/v1."""
    from service.api import health
    from service.extensions import api

    app.register_blueprint(health.bp)
    for module, prefix in _resources():
        api.register_blueprint(module.blp, url_prefix=PREFIX + prefix)


def _resources():
    """(module, url prefix) of every API resource group."""
    from service.api import (
        admin_auth,
        admin_stations,
        audit_log,
        me,
        orgs,
        station_feedback,
        station_import,
        stations,
    )

    return [
        (me, ""),
        (stations, "/stations"),
        (station_feedback, ""),
        (admin_auth, "/admin/auth"),
        (orgs, "/admin/orgs"),
        (audit_log, "/admin/audit"),
        (admin_stations, "/admin/stations"),
        (station_import, "/admin/stations"),
    ]
