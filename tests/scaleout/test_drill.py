"""The drill: two instances (gunicorn masters, the deploy config) behind Debian's nginx with
the shipped site, sharing one MariaDB and one Redis, with two notification workers."""

import json
import os
import subprocess
import time
from collections import Counter

import pytest
import requests
import sqlalchemy as sa

from service.demo import DEMO_PASSWORD
from tests.scaleout.conftest import instance_env
from tests.scaleout.stack import Nginx, start_redis, start_worker
from tests.servers import ROOT, Gunicorn

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stack(drill_database, drill_app, wechat_server, tmp_path_factory):
    seeded = drill_app.test_cli_runner().invoke(args=["seed-demo"])
    assert "demo join codes: " in seeded.output and "skipped" not in seeded.output
    wechat_server.reset()
    redis_url, redis_process = start_redis()
    env = instance_env(drill_database, wechat_server.base_url, redis_url,
                       SUBMIT_RATE_LIMIT="5 per minute", STATION_INDEX_CHECK_SECONDS="1",
                       OUTBOX_CLAIM_SECONDS="5")
    a, b = Gunicorn(env, workers=1).__enter__(), Gunicorn(env, workers=1).__enter__()
    nginx = Nginx(tmp_path_factory.mktemp("nginx"), [a.port, b.port])
    logs = tmp_path_factory.mktemp("workers")
    worker_logs = [logs / "worker-1.log", logs / "worker-2.log"]
    workers = [start_worker(env, log) for log in worker_logs]
    yield {"a": a, "b": b, "nginx": nginx, "wechat": wechat_server, "db": drill_database,
           "worker_logs": worker_logs}
    for worker in workers:
        worker.terminate()
        worker.wait(timeout=30)
    nginx.stop()
    for instance in (a, b):
        if instance.process.poll() is None:
            instance.stop()
    redis_process.kill()
    redis_process.wait()


def api_requests(instance) -> int:
    """How many API requests this instance answered (its one access line per request)."""
    count = 0
    for line in instance.log_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        count += str(entry.get("path", "")).startswith("/api/v1/")
    return count


def login(url, verify, code):
    response = requests.post(f"{url}/api/v1/auth/wechat-login", json={"code": code},
                             verify=verify, timeout=10)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_the_three_journeys_through_nginx_land_on_both_instances(stack, tmp_path):
    nginx = stack["nginx"]
    walk = subprocess.run(
        ["bash", str(ROOT / "deploy" / "walkthrough.sh")], cwd=tmp_path, capture_output=True,
        text=True, timeout=300,
        env={**os.environ, "API": nginx.url, "WECHAT": stack["wechat"].base_url,
             "CURL_CA_BUNDLE": str(nginx.cert), "DEMO_PASSWORD": DEMO_PASSWORD})
    assert walk.returncode == 0, walk.stdout[-4000:] + walk.stderr[-2000:]
    for expected in ('"status":"approved"', "WeChat received the notice",
                     "The three journeys went through."):
        assert expected in walk.stdout, expected
    on_a, on_b = api_requests(stack["a"]), api_requests(stack["b"])
    assert on_a >= 5 and on_b >= 5, (on_a, on_b)


def test_one_access_token_fetch_serves_both_instances(stack):
    # The walkthrough's feedback moderation and the workers' notices all needed a token.
    assert stack["wechat"].stable_token_calls == 1


def test_each_notification_is_delivered_once_with_two_workers(stack):
    engine = sa.create_engine(stack["db"])
    deadline = time.monotonic() + 120  # generous: a loaded machine answers slowly
    with engine.connect() as conn:
        while conn.scalar(sa.text("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")):
            assert time.monotonic() < deadline, (conn.execute(sa.text(
                "SELECT id, attempts, next_attempt_at, claimed_until, sending_at, last_error, "
                "UTC_TIMESTAMP(6) FROM outbox WHERE status = 'pending'")).all(), [
                log.read_text()[-3000:] for log in stack["worker_logs"]])
            time.sleep(0.2)
        rows = conn.execute(sa.text("SELECT o.status, u.openid, o.template_id, o.data "
                                    "FROM outbox o JOIN users u ON u.id = o.user_id")).all()
    engine.dispose()

    # The worker shortens long values on sending: compare whom and what kind, and that no
    # notice arrived twice (a double send repeats the same body).
    queued = Counter((row.openid, row.template_id) for row in rows)
    received = Counter((m["openid"], m["template_id"]) for m in stack["wechat"].messages)
    bodies = Counter(json.dumps(m, sort_keys=True) for m in stack["wechat"].messages)
    assert {row.status for row in rows} == {"sent"} and len(rows) >= 2
    assert received == queued and max(bodies.values()) == 1


def test_the_submission_limit_is_counted_once_across_instances(stack):
    a, b = stack["a"], stack["b"]
    headers = login(a.url, True, "user-limited-rider-1")
    statuses = [requests.post(f"{(a, b)[n % 2].url}/api/v1/join/applications", json={},
                              headers=headers, timeout=10).status_code for n in range(6)]
    assert statuses == [422] * 5 + [429], statuses


def test_a_station_created_on_one_instance_is_found_on_the_other(stack):
    a, b = stack["a"], stack["b"]
    token = requests.post(f"{a.url}/api/v1/admin/auth/login", timeout=10, json={
        "username": "jinshui_stations", "password": DEMO_PASSWORD}).json()["token"]
    where = {"lat": 34.6901, "lng": 113.9902, "radius": 200}

    def found_on_b():
        items = requests.get(f"{b.url}/api/v1/stations/nearby", params=where,
                             timeout=10).json()["items"]
        return [item["name"] for item in items]

    assert found_on_b() == []  # b has read the map here already
    created = requests.post(f"{a.url}/api/v1/admin/stations", timeout=10,
                            headers={"Authorization": f"Bearer {token}"},
                            json={"kind": "love_station", "name": "演练驿站",
                                  "address": "郑州市金水区演练路1号", "lat": where["lat"],
                                  "lng": where["lng"], "services": ["water"],
                                  "hours": {"weekly": {"mon": [["08:00", "18:00"]]}}})
    assert created.status_code == 201, created.text
    made = time.monotonic()
    while found_on_b() != ["演练驿站"]:
        assert time.monotonic() - made < 1 + 1, "not reflected within the check interval + 1 s"
        time.sleep(0.05)


SIGNUPS = int(os.environ.get("DRILL_SIGNUPS", "200"))  # bench: DRILL_SIGNUPS=2000
RETRY_FOR = {502, 503, 504}


def sign_up(url, verify, headers, body, key, give_up_at):
    """A client that retries a lost answer with the same key, as the mini-program does."""
    tries = 0
    while time.monotonic() < give_up_at:
        tries += 1
        try:
            response = requests.post(f"{url}/api/v1/join/applications", json=body,
                                     headers={**headers, "Idempotency-Key": key},
                                     verify=verify, timeout=30)
        except requests.RequestException:
            response = None
        if response is not None and response.status_code not in RETRY_FOR and not (
                response.status_code == 409
                and response.json()["error"] == "request_in_progress"):
            return response.status_code, response.json(), time.monotonic(), tries
        time.sleep(0.2)
    return None, None, time.monotonic(), tries


def rider_form(target, i):
    """Rider i's form, with an ID number and phone of their own for up to 100,000 riders."""
    from datetime import date, timedelta

    from service.domain.idcard import make_id_number
    from tests.join.helpers import form

    born = date(1975, 1, 1) + timedelta(days=i // 1000)
    return form(target, seq=i % 1000, id_number=make_id_number("410105", born, i % 1000),
                phone=f"137{i:08d}")


def test_an_instance_killed_under_sign_ups_loses_nothing(stack, drill_app):
    # Last in this module: it leaves one instance dead.
    from concurrent.futures import ThreadPoolExecutor

    from tests.helpers import org_id

    nginx, doomed = stack["nginx"], stack["a"]
    target = {"org_id": org_id(drill_app, "JS-XW")}
    with ThreadPoolExecutor(8) as pool:
        riders = list(pool.map(lambda i: login(nginx.url, nginx.cert, f"user-drill{i}-1"),
                               range(SIGNUPS)))
        started = time.monotonic()
        futures = [pool.submit(sign_up, nginx.url, nginx.cert, riders[i],
                               rider_form(target, i), f"drill-{i}", started + 120)
                   for i in range(SIGNUPS)]
        while sum(f.done() for f in futures) < SIGNUPS // 4:
            time.sleep(0.01)
        doomed.kill()
        killed_at = time.monotonic()
        results = [f.result() for f in futures]
    elapsed = time.monotonic() - started
    assert [status for status, *_ in results] == [201] * SIGNUPS, Counter(
        status for status, *_ in results)
    retried = [done - killed_at for _, _, done, tries in results if tries > 1]
    assert retried and max(retried) < 10, retried  # lost answers came back within 10 s
    acknowledged = sorted(body["id"] for _, body, *_ in results)
    engine = sa.create_engine(stack["db"])
    with engine.connect() as conn:
        stored = sorted(conn.scalars(sa.text(
            "SELECT a.id FROM join_applications a JOIN users u ON u.id = a.user_id "
            "WHERE u.openid IN (SELECT openid FROM users) AND a.org_id = :org "
            "AND a.created_at >= (SELECT MIN(created_at) FROM idempotent_requests "
            "WHERE `key` LIKE 'drill-%')"), {"org": target["org_id"]}))
        keys = conn.execute(sa.text(
            "SELECT COUNT(*), SUM(status_code = 201) FROM idempotent_requests "
            "WHERE `key` LIKE 'drill-%'")).one()
    engine.dispose()
    assert stored == acknowledged  # each acknowledged application once, no other
    assert tuple(keys) == (SIGNUPS, SIGNUPS)  # every key answered, none left reserved
    assert requests.get(f"{nginx.url}/readyz", verify=nginx.cert, timeout=5).status_code == 200
    assert stack["b"].process.poll() is None
    print(f"drill: {SIGNUPS} sign-ups in {elapsed:.1f}s, one instance killed "
          f"{killed_at - started:.1f}s in, {len(retried)} retried, the last answered "
          f"{max(retried):.1f}s after the kill")
