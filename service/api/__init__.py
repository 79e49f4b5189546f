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
    from service.api.identity import accounts, admin_auth, audit_log, auth, me, orgs
    from service.api.joining import card, disputes, join, join_codes, join_review
    from service.api.members import lifecycle_admin, members, my_membership, stats
    from service.api.refunds import (
        admin_policies,
        applications,
        claim_review,
        claims,
        enterprises,
        ledger,
        policies,
        review,
    )
    from service.api.stations import (
        admin_feedback,
        admin_stations,
        feedback,
        public,
        station_import,
    )

    return [
        (auth, ""),
        (me, ""),
        (card, ""),
        (join, ""),
        (my_membership, ""),
        (public, "/stations"),
        (feedback, "/stations"),
        (admin_auth, "/admin/auth"),
        (accounts, ""),
        (orgs, "/admin/orgs"),
        (join_codes, "/admin"),
        (join_review, "/admin/join/applications"),
        (disputes, "/admin/join/disputes"),
        (members, "/admin/members"),
        (stats, "/admin/stats"),
        (lifecycle_admin, "/admin"),
        (audit_log, "/admin/audit"),
        (enterprises, "/refunds"),
        (policies, "/refunds"),
        (applications, "/refunds/applications"),
        (claims, "/refunds"),
        (claim_review, "/admin/refunds"),
        (admin_policies, "/admin/refunds"),
        (review, "/admin/refunds"),
        (ledger, "/admin/refunds"),
        (admin_stations, "/admin/stations"),
        (admin_feedback, "/admin/stations/feedback"),
        (station_import, "/admin/stations"),
    ]
