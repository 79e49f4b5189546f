"""Liveness and readiness probes for the load balancer and systemd."""

from flask import Blueprint
from sqlalchemy import text

from service.extensions import db
from service.web.errors import error_response

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is alive; touches nothing."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """The process can reach its database."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure means not ready
        db.session.rollback()
        return error_response(503, "database_unavailable", "数据库暂时不可用，请稍后再试")
    return {"status": "ok", "database": "ok"}
