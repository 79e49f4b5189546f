"""The staff console (工会工作台) at /console/: server-rendered pages over the same rules.

Every page calls the rule and scope functions the API views call (service/identity,
service/joining, ...); the signed-in session fills in who is calling exactly as a bearer
token does (`service.identity.auth.act_as`), so roles, scope and the audit log agree.
"""

from flask import Flask

from service.console.blueprint import bp, csrf

# One module per area; a new area is one more name here.
AREAS = ("account", "dashboard", "review", "members", "card",
         "join_codes", "stations", "station_desk", "refunds", "refund_policies", "staff", "audit")


def init_app(app: Flask) -> None:
    """Mount the console; only its own forms are checked for a CSRF token."""
    import importlib

    for area in AREAS:
        importlib.import_module(f"service.console.{area}")
    csrf.init_app(app)
    app.register_blueprint(bp)
