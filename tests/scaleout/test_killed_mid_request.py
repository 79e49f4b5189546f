"""An instance SIGKILLed while it holds an Idempotency-Key: the database drops the
reservation with the connection, so the client's retry (to the other instance, same key) is
answered at once, and the application exists exactly once."""

import threading
import time

import pytest
import requests
import sqlalchemy as sa

from tests.helpers import org_id
from tests.join.helpers import form
from tests.scaleout.conftest import instance_env
from tests.servers import Gunicorn

pytestmark = pytest.mark.slow
APPLY = "/api/v1/join/applications"


def wait_for_lock_wait(engine, seconds=20):
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            if conn.scalar(sa.text("SELECT COUNT(*) FROM information_schema.INNODB_TRX "
                                   "WHERE trx_state = 'LOCK WAIT'")):
                return
            time.sleep(0.1)
    raise AssertionError("the request never reached the database")


def test_retry_after_the_kill_is_answered_within_ten_seconds(drill_database, drill_app,
                                                             wechat_server):
    env = instance_env(drill_database, wechat_server.base_url)
    target = {"org_id": org_id(drill_app, "JS-XW")}
    engine = sa.create_engine(drill_database)
    with Gunicorn(env, workers=1) as doomed, Gunicorn(env, workers=1) as survivor:
        token = requests.post(f"{doomed.url}/api/v1/auth/wechat-login",
                              json={"code": "user-killed-mid-request-1"},
                              timeout=10).json()["token"]
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "signup-1"}
        body = form(target, seq=41, name="李四")
        # Hold the org row, so the application's insert waits there (foreign key check):
        # the key is reserved, the work not yet done, when the instance dies.
        blocker = engine.connect()
        blocker.begin()
        blocker.execute(sa.text("SELECT id FROM orgs WHERE id = :id FOR UPDATE"),
                        {"id": target["org_id"]})
        first = threading.Thread(target=lambda: _swallow(
            requests.post, doomed.url + APPLY, json=body, headers=headers, timeout=30))
        first.start()
        wait_for_lock_wait(engine)
        doomed.kill()
        killed_at = time.monotonic()
        blocker.rollback()
        blocker.close()
        first.join()

        retry = requests.post(survivor.url + APPLY, json=body, headers=headers, timeout=30)
        answered_in = time.monotonic() - killed_at
        replay = requests.post(survivor.url + APPLY, json=body, headers=headers, timeout=30)
    assert retry.status_code == 201, retry.text
    assert answered_in < 10
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == retry.json()
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT name, status FROM join_applications WHERE user_id = "
            "(SELECT user_id FROM join_applications WHERE id = :id)"),
            {"id": retry.json()["id"]}).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("李四", "pending")]


def _swallow(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except requests.RequestException:  # the instance died under it: expected
        pass
