"""The notification worker killed mid-batch: each message delivered exactly once, or recorded
as failed when the kill fell during the call to WeChat; none lost, none sent twice."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models.accounts import User
from service.models.outbox import OutboxMessage, enqueue
from service.notifications.delivery import UNCERTAIN
from tests.servers import ROOT

pytestmark = pytest.mark.slow
MESSAGES = 12
SEND = "/cgi-bin/message/subscribe/send"


def worker(database_url, fake_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "WECHAT_API_BASE": fake_url,
           "OUTBOX_CLAIM_SECONDS": "3", "SERVICE_ENV": "development", "REDIS_URL": "",
           "FLASK_APP": "wsgi"}
    return subprocess.Popen([sys.executable, "-m", "flask", "worker", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_kill_mid_batch_loses_nothing_and_sends_nothing_twice(app, database_url, wechat_fake):
    with app.app_context():
        for n in range(MESSAGES):
            user = User(openid=f"o-killed-worker-{n}")
            db.session.add(user)
            db.session.flush()
            enqueue(user.id, "tpl-join-result", {"thing1": f"第{n}条"})
        db.session.commit()
    # Every send takes a while, so the kill lands in the middle of the batch.
    wechat_fake.fault(SEND, "delay", count=MESSAGES, seconds=0.4)
    first = worker(database_url, wechat_fake.base_url)
    deadline = time.monotonic() + 60
    while len(wechat_fake.messages) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    delivered_before = len(wechat_fake.messages)
    assert 3 <= delivered_before < MESSAGES, "the kill fell mid-batch"

    time.sleep(3.5)  # the dead worker's claim lapses
    second = worker(database_url, wechat_fake.base_url, "--once")
    assert second.wait(timeout=120) == 0
    time.sleep(0.5)  # let a send the fake was still answering reach its log

    with app.app_context():
        rows = db.session.execute(select(OutboxMessage.user_id, OutboxMessage.status,
                                         OutboxMessage.last_error, User.openid)
                                  .join(User, User.id == OutboxMessage.user_id)).all()
    received = Counter(message["openid"] for message in wechat_fake.messages)
    statuses = Counter(row.status for row in rows)
    assert statuses["pending"] == 0 and statuses["sent"] + statuses["failed"] == MESSAGES
    for row in rows:
        if row.status == "sent":
            assert received[row.openid] == 1, row
        else:
            assert row.last_error == UNCERTAIN and received[row.openid] <= 1, row
    assert max(received.values()) == 1, "nothing was sent twice"
