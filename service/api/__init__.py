"""HTTP resources: every blueprint of the service, mounted in one place."""

from flask import Flask
from werkzeug.routing import IntegerConverter

PREFIX = "/api/v1"


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: 1 to 2**31-1, so a path id never overflows a column."""

    def __init__(self, map, **kwargs):
        super().__init__(map, min=1, max=2**31 - 1)


def register_blueprints(app: Flask) -> None:
    """Mount the health checks at the root and every resource under /api/v1."""
    app.url_map.converters["int"] = IdConverter
    from service.api import health
    from service.extensions import api

    app.register_blueprint(health.bp)
    for module, prefix in _resources():
        api.register_blueprint(module.blp, url_prefix=PREFIX + prefix)


def _resources():
    """(module, url prefix) of every API resource group."""
    from service.api import (
        accounts,
        admin_auth,
        admin_stations,
        audit_log,
        join,
        join_codes,
        join_disputes,
        join_review,
        me,
        members,
        orgs,
        refund_applications,
        refund_claim_review,
        refund_claims,
        refund_enterprises,
        refund_ledger,
        refund_policies,
        refund_review,
        station_feedback,
        station_import,
        stations,
        stats,
    )

    return [
        (me, ""),
        (join, ""),
        (stations, "/stations"),
        (station_feedback, ""),
        (admin_auth, "/admin/auth"),
        (accounts, ""),
        (orgs, "/admin/orgs"),
        (join_codes, "/admin"),
        (join_review, "/admin/join/applications"),
        (join_disputes, "/admin/join/disputes"),
        (members, "/admin/members"),
        (stats, "/admin/stats"),
        (audit_log, "/admin/audit"),
        (refund_enterprises, "/refunds"),
        (refund_applications, "/refunds/applications"),
        (refund_claims, "/refunds"),
        (refund_claim_review, "/admin/refunds"),
        (refund_policies, "/admin/refunds"),
        (refund_review, "/admin/refunds"),
        (refund_ledger, "/admin/refunds"),
        (admin_stations, "/admin/stations"),
        (station_import, "/admin/stations"),
    ]
