"""The client address behind the proxies: TRUSTED_PROXIES, for limits, audit and logs."""

import json
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa

from service import create_app
from service.config import ConfigError
from service.core.logs import JsonFormatter
from service.core.proxies import parse_trusted_proxies, resolve
from service.demo import DEMO_PASSWORD
from service.extensions import db
from service.models.audit import AuditEntry
from tests.helpers import assert_error
from tests.refunds.test_policies import ADMIN, NEW

NGINX = {"REMOTE_ADDR": "127.0.0.1"}


def login(client, peer, forwarded=None, password="x"):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/api/v1/admin/auth/login", json={"username": "ghost", "password": password},
                       headers=headers, environ_base={"REMOTE_ADDR": peer})


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "11", "\u0661", "10.0.0.0/33",
                                   "10.0.0.1,,10.0.0.2", "10.0.0.1/8", "127.0.0.1;10.0.0.1"])
def test_invalid_values_refuse_to_start_naming_the_setting(settings, value):
    settings["TRUSTED_PROXIES"] = value
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        create_app(settings)


def test_a_count_or_a_list_of_addresses_and_networks():
    assert parse_trusted_proxies("0") == 0 and parse_trusted_proxies(None) == 0
    assert parse_trusted_proxies(" 2 ") == 2
    networks = parse_trusted_proxies("127.0.0.1, 10.0.0.0/8 ,::1")
    assert [str(n) for n in networks] == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]


def test_the_resolver_reads_from_the_right_and_stops_at_the_first_untrusted_hop():
    proxies = parse_trusted_proxies("127.0.0.1,10.0.0.0/8")
    # Whatever the client wrote itself sits left of what our proxies appended.
    assert resolve("127.0.0.1", "6.6.6.6, 203.0.113.5, 10.1.2.3", proxies) == "203.0.113.5"
    assert resolve("198.51.100.9", "203.0.113.5", proxies) == "198.51.100.9"
    assert resolve("127.0.0.1", "", proxies) == "127.0.0.1"
    assert resolve("127.0.0.1", "not-an-address, 10.0.0.7", proxies) == "10.0.0.7"


def test_behind_one_proxy_each_client_has_its_own_limit(settings):
    settings.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", TRUSTED_PROXIES="1")
    client = create_app(settings).test_client()
    # Before: every client came from 127.0.0.1 and twelve strangers drained one bucket.
    for _ in range(2):
        assert login(client, "127.0.0.1", "203.0.113.1").status_code == 401
    assert_error(login(client, "127.0.0.1", "203.0.113.1"), 429, "rate_limited")
    assert login(client, "127.0.0.1", "203.0.113.2").status_code == 401
    # A client prepending addresses of its own gains nothing: nginx appends the real one.
    assert_error(login(client, "127.0.0.1", "1.2.3.4, 203.0.113.1"), 429, "rate_limited")


def test_forwarded_for_from_an_untrusted_peer_is_ignored(settings):
    settings.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute",
                    TRUSTED_PROXIES="10.0.0.0/8")
    client = create_app(settings).test_client()
    statuses = [login(client, "198.51.100.9", f"203.0.113.{n}").status_code for n in range(3)]
    assert statuses == [401, 401, 429], "a spoofed header must not buy a fresh bucket"
    assert login(client, "10.0.0.5", "198.51.100.20").status_code == 401


def test_by_default_no_header_is_believed(settings):
    settings.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    client = create_app(settings).test_client()
    statuses = [login(client, "127.0.0.1", f"203.0.113.{n}").status_code for n in range(3)]
    assert statuses == [401, 401, 429]


def test_audit_and_access_log_record_the_real_client(settings, demo_orgs, caplog):
    settings.update(TRUSTED_PROXIES="1")
    app = create_app(settings)
    client = app.test_client()
    client.environ_base.update(NGINX)
    forwarded = {"X-Forwarded-For": "6.6.6.6, 203.0.113.77"}
    token = client.post("/api/v1/admin/auth/login", headers=forwarded,
                        json={"username": "city_finance", "password": DEMO_PASSWORD})
    headers = {**forwarded, "Authorization": f"Bearer {token.get_json()['token']}"}
    caplog.set_level(logging.INFO, logger="service.access")
    assert client.post(ADMIN, json=NEW, headers=headers).status_code == 201
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry)
                                  .where(AuditEntry.action == "refund_policy.create"))
    assert entry.ip == "203.0.113.77"
    [line] = [json.loads(JsonFormatter().format(r)) for r in caplog.records
              if r.name == "service.access" and getattr(r, "path", "") == ADMIN]
    assert line["remote_addr"] == "203.0.113.77"


def test_the_shipped_nginx_and_env_file_agree_on_one_trusted_proxy():
    deploy = Path(__file__).resolve().parents[2] / "deploy"
    env = dict(line.split("=", 1) for line in (deploy / "env.example").read_text().splitlines()
               if line and not line.startswith("#"))
    assert parse_trusted_proxies(env["TRUSTED_PROXIES"]) == 1
    nginx = (deploy / "nginx-union.conf").read_text()
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Real-IP $remote_addr",
                   "X-Forwarded-Proto $scheme"):
        assert f"proxy_set_header {header};" in nginx
