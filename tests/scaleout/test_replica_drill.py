"""A real MariaDB replica (binlog replication on loopback): an instance with
DATABASE_REPLICA_URL sends station search, station pages and staff lists to it (counted per
server), while a member's sign-up and own list, and every write, stay on the primary."""

import os
import subprocess
import time

import pytest
import requests
import sqlalchemy as sa
from flask_migrate import upgrade

from service import create_app
from service.demo import DEMO_PASSWORD
from service.demo.orgs import seed_orgs
from service.extensions import db
from tests.helpers import org_id
from tests.scaleout.conftest import MARIADB, instance_env
from tests.scaleout.test_drill import rider_form
from tests.servers import Gunicorn, free_port

pytestmark = pytest.mark.slow
STATION = {"kind": "love_station", "name": "复制驿站", "address": "郑州市金水区复制路1号",
           "lat": 34.7712, "lng": 113.7001, "services": ["water"],
           "hours": {"weekly": {"mon": [["08:00", "18:00"]]}}}


def start(directory, server_id):
    env = {**os.environ, "MARIADB_SERVER_ID": str(server_id)}
    return subprocess.run([*MARIADB, "start", str(directory), str(free_port())], check=True,
                          capture_output=True, text=True, env=env).stdout.split()[-1]


def as_root(directory, sql: str) -> str:
    return subprocess.run(["mariadb", "--no-defaults", f"--socket={directory}/mysqld.sock",
                           "-uroot", "-N", "-B", "-e", sql], check=True, capture_output=True,
                          text=True).stdout


def reads(engine) -> dict:
    """Rows read per table on this server (the connection pings are SELECTs too, so the
    SELECT count alone would not tell where the work went)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT TABLE_NAME, ROWS_READ FROM information_schema.TABLE_STATISTICS "
            "WHERE TABLE_SCHEMA = DATABASE()")).all()
        selects = int(conn.execute(sa.text("SHOW GLOBAL STATUS LIKE 'Com_select'")).one()[1])
    return {**dict(rows), "SELECTs": selects}


def grown(before: dict, after: dict, name: str) -> int:
    return after.get(name, 0) - before.get(name, 0)


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    """(primary URL, replica URL): the replica follows the primary from its first table."""
    base = tmp_path_factory.mktemp("replication")
    primary_url, replica_url = start(base / "primary", 1), start(base / "replica", 2)
    primary, replica = sa.create_engine(primary_url), sa.create_engine(replica_url)
    as_root(base / "primary", "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'; "
                              "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'")
    log_file, position = as_root(base / "primary", "SHOW MASTER STATUS").split()[:2]
    as_root(base / "replica",
            f"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={primary.url.port}, "
            f"MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_LOG_FILE='{log_file}', "
            f"MASTER_LOG_POS={int(position)}; START SLAVE")
    app = create_app({"SERVICE_ENV": "testing", "SQLALCHEMY_DATABASE_URI": primary_url,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "REDIS_URL": None})
    with app.app_context():
        upgrade()
        seed_orgs(DEMO_PASSWORD)
        db.session.commit()
        db.engine.dispose()
    caught_up(primary, replica)
    yield primary_url, replica_url, primary, replica, app
    primary.dispose()
    replica.dispose()
    for name in ("primary", "replica"):
        subprocess.run([*MARIADB, "stop", str(base / name)], check=False)


def caught_up(primary, replica, seconds=30):
    with primary.connect() as conn:
        wanted = conn.scalar(sa.text("SELECT COUNT(*) FROM orgs"))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with replica.connect() as conn:
                if conn.scalar(sa.text("SELECT COUNT(*) FROM orgs")) == wanted:
                    return
        except sa.exc.ProgrammingError:  # the table is not there yet
            pass
        time.sleep(0.2)
    with replica.connect() as conn:
        raise AssertionError(conn.execute(sa.text("SHOW SLAVE STATUS")).mappings().one())


def test_reads_that_may_lag_go_to_the_replica_and_nothing_reads_stale(replicated,
                                                                       wechat_server):
    primary_url, replica_url, primary, replica, app = replicated
    env = instance_env(primary_url, wechat_server.base_url,
                       DATABASE_REPLICA_URL=replica_url, STATION_INDEX_CHECK_SECONDS="1")
    with Gunicorn(env, workers=1) as server:
        api = f"{server.url}/api/v1"
        staff = {"Authorization": "Bearer " + requests.post(f"{api}/admin/auth/login", json={
            "username": "jinshui_stations", "password": DEMO_PASSWORD}, timeout=10).json()["token"]}
        created = requests.post(f"{api}/admin/stations", json=STATION, headers=staff, timeout=10)
        assert created.status_code == 201, created.text
        station = created.json()["id"]
        near = {"lat": STATION["lat"], "lng": STATION["lng"], "radius": 500}
        made, found = time.monotonic(), []
        while not found:  # replication lag plus the index's check interval
            assert time.monotonic() - made < 1 + 1 + 1, "not found within 3 s"
            found = requests.get(f"{api}/stations/nearby", params=near, timeout=10).json()["items"]
        before = (reads(primary), reads(replica))
        for _ in range(30):
            assert requests.get(f"{api}/stations/nearby", params=near, timeout=10).ok
            assert requests.get(f"{api}/stations/{station}", timeout=10).ok
            assert requests.get(f"{api}/admin/stations", headers=staff, timeout=10).ok
        for n in range(5):  # a member reads their own sign-up at once: from the primary
            body = rider_form({"org_id": org_id(app, "JS-XW")}, 900 + n)
            rider = {"Authorization": "Bearer " + requests.post(
                f"{api}/auth/wechat-login", json={"code": f"user-replicarider{n}-1"},
                timeout=10).json()["token"]}
            submitted = requests.post(f"{api}/join/applications", json=body, headers=rider,
                                      timeout=10)
            assert submitted.status_code == 201, (n, body, submitted.text)
            mine = requests.get(f"{api}/join/applications", headers=rider, timeout=10).json()
            assert [item["id"] for item in mine["items"]] == [submitted.json()["id"]]
        after = (reads(primary), reads(replica))
        lag = replica_lag(app, server.url)
    stations = grown(before[0], after[0], "stations"), grown(before[1], after[1], "stations")
    applications = (grown(before[0], after[0], "join_applications"),
                    grown(before[1], after[1], "join_applications"))
    selects = grown(before[0], after[0], "SELECTs"), grown(before[1], after[1], "SELECTs")
    assert stations[0] == 0 and stations[1] >= 90, stations  # 90 public and staff reads
    assert applications[0] >= 5 and applications[1] == 0, applications  # members' own
    assert 0 <= lag < 5, lag  # the service's own measure of the real replica's lag
    print(f"replica: station rows read {stations[1]} on the replica, {stations[0]} on the "
          f"primary; SELECTs {selects[1]} on the replica, {selects[0]} on the primary")


def replica_lag(app, url, seconds=10) -> float:
    """A beat on the primary (as the worker writes it), then the lag /metrics reports once
    the beat has reached the replica."""
    from prometheus_client.parser import text_string_to_metric_families

    from service.models.heartbeat import beat

    with app.app_context():
        beat()
        db.engine.dispose()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = requests.get(f"{url}/metrics", timeout=10).text
        for family in text_string_to_metric_families(text):
            if family.name == "union_replica_lag_seconds":
                return family.samples[0].value
        time.sleep(0.2)
    raise AssertionError("no replica lag in /metrics")
