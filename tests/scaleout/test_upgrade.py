"""Upgrades without loss: a steady load of sign-ups and nearby searches while gunicorn reloads
(HUP) and while a migration adds a column to the table the sign-ups write."""

import re
import signal
import threading
import time

import pytest
import requests
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from tests.helpers import org_id
from tests.scaleout.conftest import instance_env
from tests.scaleout.test_drill import rider_form
from tests.servers import Gunicorn

pytestmark = pytest.mark.slow
NEARBY = {"lat": 34.7869, "lng": 113.6705, "radius": 3000}


def add_column(database_url):
    """A throwaway migration step, as alembic runs it: a nullable column (MariaDB adds it
    in place, ALGORITHM=INSTANT, without copying or locking the table)."""
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        Operations(MigrationContext.configure(conn)).add_column(
            "join_applications", sa.Column("drill_note", sa.String(50), nullable=True))
    engine.dispose()


def drop_column(database_url):
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        Operations(MigrationContext.configure(conn)).drop_column("join_applications",
                                                                 "drill_note")
    engine.dispose()


def test_reload_and_migration_under_load_refuse_and_lose_nothing(drill_database, drill_app,
                                                                 wechat_server):
    target = {"org_id": org_id(drill_app, "JS-XW")}
    env = instance_env(drill_database, wechat_server.base_url)
    stop, answers, lock = threading.Event(), [], threading.Lock()

    def record(kind, method, url, **kwargs):
        response = None
        try:
            response = requests.request(method, url, timeout=30, **kwargs)
            outcome = (kind, response.status_code, response.json().get("id"))
        except requests.RequestException as exc:  # refused or cut: a loss
            outcome = (kind, type(exc).__name__, None)
        with lock:
            answers.append(outcome)
        return response

    with Gunicorn(env, workers=2) as server:
        def sign_ups(lane):
            n = 0
            while not stop.is_set():
                i = 20000 + lane * 1000 + n
                n += 1
                login = record("login", "POST", f"{server.url}/api/v1/auth/wechat-login",
                               json={"code": f"user-upgrade{i}-1"})
                if login is None or login.status_code != 200:
                    continue
                record("sign-up", "POST", f"{server.url}/api/v1/join/applications",
                       json=rider_form(target, i),
                       headers={"Authorization": f"Bearer {login.json()['token']}",
                                "Idempotency-Key": f"upgrade-{i}"})

        def searches():
            while not stop.is_set():
                record("nearby", "GET", f"{server.url}/api/v1/stations/nearby", params=NEARBY)

        lanes = [threading.Thread(target=sign_ups, args=(k,)) for k in range(4)]
        lanes += [threading.Thread(target=searches)]
        for lane in lanes:
            lane.start()
        time.sleep(1.5)
        server.process.send_signal(signal.SIGHUP)
        time.sleep(3)
        add_column(drill_database)
        # Go on until the load has carried well past the change, however slow the machine.
        settled = len(answers) + 20
        deadline = time.monotonic() + 60
        while len(answers) < settled and time.monotonic() < deadline:
            time.sleep(0.2)
        stop.set()
        for lane in lanes:
            lane.join()
        log_text = server.log_text()
        booted = re.findall(r"Booting worker with pid: (\d+)", log_text)
    drop_column(drill_database)

    kinds = {kind for kind, _, _ in answers}
    assert kinds == {"login", "sign-up", "nearby"} and len(answers) >= 20, answers
    refused = [a for a in answers if a[1] not in (200, 201)]
    assert not refused, (refused, log_text[-4000:])
    assert len(set(booted)) >= 4, "the HUP started new workers"
    acknowledged = sorted(i for kind, _, i in answers if kind == "sign-up")
    engine = sa.create_engine(drill_database)
    with engine.connect() as conn:
        stored = sorted(conn.scalars(sa.text(
            "SELECT a.id FROM join_applications a JOIN idempotent_requests r "
            "ON r.principal = CONCAT('member:', a.user_id) WHERE r.`key` LIKE 'upgrade-%'")))
    engine.dispose()
    assert stored == acknowledged
    print(f"upgrade: {len(answers)} requests ({len(acknowledged)} sign-ups) across a HUP and "
          "an ADD COLUMN, none refused")
