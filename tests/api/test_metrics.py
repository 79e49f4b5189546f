"""GET /metrics: Prometheus text, for allowed addresses or the token only, its series moving
with what the service does, and summed across gunicorn workers."""

import re

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import Gunicorn


def _samples(text: str) -> dict[tuple, float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_only_allowed_addresses_or_the_token_may_scrape(app, client):
    assert client.get("/metrics").status_code == 200  # loopback, allowed by default
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outside.status_code == 403 and outside.get_json()["error"] == "metrics_forbidden"
    app.config["METRICS_TOKEN"] = "s3cret-scrape-token-0123456789"
    with_token = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                            headers={"Authorization": "Bearer s3cret-scrape-token-0123456789"})
    assert with_token.status_code == 200
    wrong = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                       headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 403


def test_series_move_with_requests_logins_wechat_calls_and_the_outbox(client, member, staff):
    before = _samples(client.get("/metrics").get_data(as_text=True))
    client.get("/healthz")
    client.get("/healthz")
    member("metrics-rider")
    client.post("/api/v1/admin/auth/login", json={"username": "city_admin", "password": "no"})
    after_text = client.get("/metrics").get_data(as_text=True)
    after = _samples(after_text)

    route = {"method": "GET", "route": "/healthz", "status": "200"}
    assert _value(after, "union_http_requests_total", **route) == \
        _value(before, "union_http_requests_total", **route) + 2
    login = {"api": "code2session", "outcome": "ok"}
    assert _value(after, "union_wechat_calls_total", **login) > \
        _value(before, "union_wechat_calls_total", **login)
    refused = {"kind": "staff", "status": "401"}
    assert _value(after, "union_login_refusals_total", **refused) == \
        _value(before, "union_login_refusals_total", **refused) + 1
    assert _value(after, "union_database_up") == 1
    for name in ("union_outbox_backlog", "union_outbox_oldest_age_seconds",
                 "union_outbox_failed", "union_station_revision", "union_db_pool_checked_out",
                 "union_http_request_duration_seconds_bucket"):
        assert re.search(rf"^{name}\b", after_text, re.M), name


@pytest.mark.slow
def test_counts_are_summed_over_gunicorn_workers(database_url, tmp_path):
    env = {"DATABASE_URL": database_url, "SERVICE_ENV": "testing", "UPLOAD_DIR": str(tmp_path)}
    with Gunicorn(env, workers=3) as server:
        session = requests.Session()
        for _ in range(60):  # /readyz: the server's start-up checks poll /healthz only
            session.get(server.url + "/readyz", timeout=5)
            session.close()  # a new connection each time, so the workers share the load
        text = requests.get(server.url + "/metrics", timeout=5).text
    route = {"method": "GET", "route": "/readyz", "status": "200"}
    assert _value(_samples(text), "union_http_requests_total", **route) == 60


def test_a_database_that_does_not_answer_is_a_metric_not_a_failed_scrape(settings):
    from service import create_app

    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent/dir/x.db"})
    answer = app.test_client().get("/metrics")
    assert answer.status_code == 200
    assert _value(_samples(answer.get_data(as_text=True)), "union_database_up") == 0


def test_dashboard_and_alerts_ask_only_for_series_the_service_exports(lagging, database_url):
    import json
    from pathlib import Path

    import yaml

    from service.models.heartbeat import beat
    from tests.replicas import catch_up

    app, replica = lagging  # with a replica, whose series come with one
    with app.app_context():
        beat()
    catch_up(database_url, replica)
    exported = {family.name for family in text_string_to_metric_families(
        app.test_client().get("/metrics").get_data(as_text=True))}
    monitoring = Path(__file__).resolve().parents[2] / "deploy" / "monitoring"
    dashboard = json.loads((monitoring / "grafana-dashboard.json").read_text())
    expressions = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    rules = yaml.safe_load((monitoring / "alerts.yml").read_text())
    expressions += [r["expr"] for g in rules["groups"] for r in g["rules"]]
    asked = {name for e in expressions for name in re.findall(r"\bunion_[a-z_]+", e)}
    families = {re.sub(r"_(total|bucket|count|sum)$", "", name) for name in asked}
    assert families and families <= exported, families - exported
