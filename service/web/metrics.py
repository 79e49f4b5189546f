"""`GET /metrics`: Prometheus text, only for METRICS_ALLOW addresses or METRICS_TOKEN."""

import hmac
import ipaddress
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from service.core import clock, metrics
from service.core.database import REPLICA, replica_session
from service.core.proxies import client_address
from service.extensions import db
from service.models import heartbeat, revisions
from service.models.outbox import OutboxMessage
from service.web.errors import abort

bp = Blueprint("metrics", __name__)
LOGIN_ROUTES = {"/api/v1/auth/wechat-login": "member", "/api/v1/admin/auth/login": "staff"}


def allowed_networks(setting: str) -> list:
    """METRICS_ALLOW as networks: comma-separated addresses or CIDR blocks."""
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in (setting or "").split(",") if part.strip()]


def _may_scrape() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
        return True
    try:
        address = ipaddress.ip_address(client_address() or "")
    except ValueError:
        return False
    return any(address in network for network in current_app.config["METRICS_NETWORKS"])


class _ProcessMetrics:
    """This process's own metrics, when there is no multiprocess directory to read."""

    def collect(self):
        yield from REGISTRY.collect()


class _DatabaseMetrics:
    """What the database holds, read at scrape time: the notification outbox, the stations
    revision. A database that does not answer is a metric too, not a failed scrape."""

    def collect(self):
        try:
            found = list(self._read())
        except SQLAlchemyError:
            db.session.rollback()
            found = []
        yield GaugeMetricFamily("union_database_up", "Whether the scrape could read the database",
                                value=1 if found else 0)
        yield from found

    @staticmethod
    def _read():
        pending = db.session.execute(
            select(func.count(), func.min(OutboxMessage.created_at))
            .where(OutboxMessage.status == "pending")).one()
        failed = db.session.scalar(
            select(func.count()).where(OutboxMessage.status == "failed"))
        oldest = 0.0 if pending[1] is None else (clock.now() - pending[1]).total_seconds()
        yield GaugeMetricFamily("union_outbox_backlog", "Notices waiting to be sent",
                                value=pending[0])
        yield GaugeMetricFamily("union_outbox_oldest_age_seconds",
                                "Age of the oldest notice waiting to be sent", value=oldest)
        yield GaugeMetricFamily("union_outbox_failed", "Notices given up on", value=failed)
        yield GaugeMetricFamily("union_station_revision", "The stations revision in the database",
                                value=revisions.current(revisions.STATIONS))


class _ReplicaMetrics:
    """With DATABASE_REPLICA_URL: whether the replica answers, and how far behind it is
    (service/models/heartbeat.py; the worker beats)."""

    def collect(self):
        try:
            lag = heartbeat.replica_lag_seconds(replica_session())
            replica_session().rollback()
        except SQLAlchemyError:
            replica_session().rollback()
            yield GaugeMetricFamily("union_replica_up", "Whether the scrape could read the "
                                    "replica", value=0)
            return
        yield GaugeMetricFamily("union_replica_up", "Whether the scrape could read the replica",
                                value=1)
        if lag is not None:
            yield GaugeMetricFamily(
                "union_replica_lag_seconds",
                "Seconds since the newest heartbeat of the primary the replica holds", value=lag)


@bp.get("/metrics")
def scrape():
    """Every metric, summed over the workers, in the Prometheus text format."""
    if not _may_scrape():
        abort(403, "metrics_forbidden", "无权读取运行指标")
    registry = CollectorRegistry()
    if metrics.MULTIPROCESS:
        MultiProcessCollector(registry)
    else:
        registry.register(_ProcessMetrics())
    registry.register(_DatabaseMetrics())
    if db.engines.get(REPLICA) is not None:
        registry.register(_ReplicaMetrics())
    return Response(generate_latest(registry), mimetype="text/plain; version=0.0.4")


def _start():
    g.metrics_started = time.perf_counter()


def _count(response):
    rule = request.url_rule.rule if request.url_rule else "unmatched"
    if rule == "/metrics" or "metrics_started" not in g:
        return response
    status = response.status_code
    metrics.REQUESTS.labels(request.method, rule, str(status)).inc()
    metrics.LATENCY.labels(request.method, rule).observe(time.perf_counter() - g.metrics_started)
    if status == 429:
        metrics.RATE_LIMITED.labels(rule).inc()
    if rule in LOGIN_ROUTES and status in (401, 403, 429):
        metrics.LOGIN_REFUSED.labels(LOGIN_ROUTES[rule], str(status)).inc()
    pool = db.engine.pool
    if hasattr(pool, "checkedout"):
        metrics.DB_POOL_CHECKED_OUT.set(pool.checkedout())
        metrics.DB_POOL_SIZE.set(pool.size())
    return response


def init_app(app: Flask) -> None:
    app.config["METRICS_NETWORKS"] = allowed_networks(app.config.get("METRICS_ALLOW", ""))
    app.register_blueprint(bp)
    app.before_request(_start)
    app.after_request(_count)
