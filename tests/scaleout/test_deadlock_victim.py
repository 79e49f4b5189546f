"""A keyed sign-up chosen by MariaDB as a deadlock's victim: the database undoes its whole
transaction, the key with it, and the service runs the request again; the rider gets one
201, and the application exists once."""

import json
import threading

import pytest
import requests
import sqlalchemy as sa

from tests.helpers import org_id
from tests.join.helpers import form
from tests.scaleout.conftest import instance_env
from tests.scaleout.test_killed_mid_request import wait_for_lock_wait
from tests.servers import Gunicorn

pytestmark = pytest.mark.slow
APPLY = "/api/v1/join/applications"


def test_the_victim_of_a_deadlock_is_run_again_and_answered_once(drill_database, drill_app,
                                                                  wechat_server):
    env = instance_env(drill_database, wechat_server.base_url)
    target = {"org_id": org_id(drill_app, "JS-XW")}
    engine = sa.create_engine(drill_database)
    with engine.begin() as conn:  # rows the other side writes, so InnoDB spares it
        conn.execute(sa.text("CREATE TABLE drill_weight (id INT PRIMARY KEY)"))
    answers = []
    with Gunicorn(env, workers=1) as server:
        token = requests.post(f"{server.url}/api/v1/auth/wechat-login",
                              json={"code": "user-deadlock-victim-1"},
                              timeout=10).json()["token"]
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "victim-1"}
        body = form(target, seq=42, name="王五")
        other = engine.connect()
        other.begin()
        other.execute(sa.text("INSERT INTO drill_weight (id) VALUES (:n)"),
                      [{"n": n} for n in range(200)])
        # Hold the org row: the application's insert waits there (foreign key check) while
        # the request holds its key.
        other.execute(sa.text("SELECT id FROM orgs WHERE id = :id FOR UPDATE"),
                      {"id": target["org_id"]})
        signing_up = threading.Thread(target=lambda: answers.append(
            requests.post(server.url + APPLY, json=body, headers=headers, timeout=30)))
        signing_up.start()
        wait_for_lock_wait(engine)
        with engine.connect() as peek:
            peek.execute(sa.text("SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED"))
            principal = peek.scalar(sa.text(
                "SELECT principal FROM idempotent_requests WHERE `key` = 'victim-1'"))
        # Now wait for the request's key: a cycle, and the request is the lighter side.
        other.execute(sa.text(
            "INSERT INTO idempotent_requests (principal, `key`, request_hash, created_at) "
            "VALUES (:principal, 'victim-1', 'x', NOW())"), {"principal": principal})
        other.rollback()
        other.close()
        signing_up.join()
        replay = requests.post(server.url + APPLY, json=body, headers=headers, timeout=30)
        log = server.log_text()
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE drill_weight"))
        rows = conn.execute(sa.text(
            "SELECT name, status FROM join_applications WHERE user_id = "
            "(SELECT user_id FROM join_applications WHERE id = :id)"),
            {"id": answers[0].json().get("id")}).all()
    engine.dispose()
    assert answers[0].status_code == 201, answers[0].text
    assert "running it again" in log  # the deadlock happened, and was answered
    # One access line per answer the rider got, none for the attempt that was run again.
    lines = [json.loads(line) for line in log.splitlines() if '"logger": "service.access"' in line]
    assert [line["status"] for line in lines if line["path"] == APPLY] == [201, 201]
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == answers[0].json()
    assert [tuple(row) for row in rows] == [("王五", "pending")]
