"""The outbox worker: subscribe messages delivered once, retried, never lost."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from service.core import clock
from service.extensions import db
from service.models.accounts import User
from service.models.outbox import OutboxMessage
from service.notifications.delivery import (
    MAX_ATTEMPTS,
    claim,
    claim_lease,
    deliver_due,
    retry_delay,
)
from tests.helpers import org_id
from tests.join.helpers import applied, form

SEND = "/cgi-bin/message/subscribe/send"
QUEUE = "/api/v1/admin/join/applications"


def decided(app, client, member, staff, who="rider", reject_reason=None) -> int:
    """An application at 金水区小微企业联合工会, approved or rejected; returns its id."""
    created = applied(client, member(who), form({"org_id": org_id(app, "JS-XW")}))
    if reject_reason:
        client.post(f"{QUEUE}/{created['id']}/reject", json={"reason": reject_reason},
                    headers=staff("jinshui_reviewer"))
    else:
        client.post(f"{QUEUE}/{created['id']}/approve", headers=staff("jinshui_reviewer"))
    return created["id"]


def outbox(app) -> OutboxMessage:
    with app.app_context():
        message = db.session.scalar(sa.select(OutboxMessage))
        db.session.expunge(message)
        return message


def openid_of(app, who: str) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(User.openid).order_by(User.id.desc()))


def test_approval_is_delivered_once_with_template_keys(app, client, member, staff, wechat_fake):
    application_id = decided(app, client, member, staff)
    assert wechat_fake.messages == [], "nothing is sent inside the request"
    with app.app_context():
        assert deliver_due()["sent"] == 1
        assert sum(deliver_due().values()) == 0
    [message] = wechat_fake.messages
    assert message["openid"] == openid_of(app, "rider")
    assert message["template_id"] == app.config["WECHAT_TPL_JOIN_RESULT"]
    data = {key: item["value"] for key, item in message["data"].items()}
    assert data["thing1"] == "金水区小微企业联合工会" and data["phrase2"] == "通过"
    assert data["thing3"] and len(data["time4"]) == 16
    assert message["page"].endswith(f"application_id={application_id}")
    stored = outbox(app)
    assert stored.status == "sent" and stored.attempts == 1 and stored.sent_at is not None


def test_long_reason_is_cut_to_wechat_limits(app, client, member, staff, wechat_fake):
    reason = "身份证照片不清晰且工作单位与所在站点不一致，请重新填写后提交"
    decided(app, client, member, staff, reject_reason=reason)
    with app.app_context():
        assert deliver_due()["sent"] == 1
    data = {key: item["value"] for key, item in wechat_fake.messages[0]["data"].items()}
    assert data["phrase2"] == "未通过"
    assert len(data["thing3"]) == 20 and data["thing3"].endswith("…")
    assert reason.startswith(data["thing3"][:-1])


def test_user_who_did_not_subscribe_is_recorded_not_retried(app, client, member, staff,
                                                            wechat_fake):
    decided(app, client, member, staff, who="quiet")
    wechat_fake.unsubscribe(openid_of(app, "quiet"))
    with app.app_context():
        assert deliver_due()["not_subscribed"] == 1
        assert sum(deliver_due(now=clock.now() + timedelta(days=1)).values()) == 0
    stored = outbox(app)
    assert stored.status == "not_subscribed" and "43101" in stored.last_error
    assert wechat_fake.messages == []


def test_failures_are_retried_with_backoff(app, client, member, staff, wechat_fake):
    decided(app, client, member, staff)
    wechat_fake.fault(SEND, "busy", count=2)
    start = clock.now()
    with app.app_context():
        assert deliver_due(now=start)["retry"] == 1
        assert sum(deliver_due(now=start + timedelta(seconds=5)).values()) == 0, "not yet due"
        assert deliver_due(now=start + retry_delay(1))["retry"] == 1
        stored = db.session.scalar(sa.select(OutboxMessage))
        assert stored.next_attempt_at >= start + retry_delay(1) + retry_delay(2)
        assert deliver_due(now=start + timedelta(minutes=5))["sent"] == 1
    assert len(wechat_fake.messages) == 1 and outbox(app).attempts == 3
    assert retry_delay(1) < retry_delay(2) < retry_delay(3) <= retry_delay(30)


def test_gives_up_after_the_last_attempt(app, client, member, staff, wechat_fake):
    decided(app, client, member, staff)
    wechat_fake.fault(SEND, "http500", count=MAX_ATTEMPTS + 5)
    moment = clock.now()
    with app.app_context():
        for _ in range(MAX_ATTEMPTS):
            deliver_due(now=moment)
            moment += timedelta(days=1)
        assert sum(deliver_due(now=moment).values()) == 0
    stored = outbox(app)
    assert stored.status == "failed" and stored.attempts == MAX_ATTEMPTS
    assert "WeChatUnavailable" in stored.last_error


def test_a_worker_dying_mid_message_loses_nothing(app, client, member, staff, wechat_fake):
    decided(app, client, member, staff)
    now = clock.now()
    with app.app_context():
        message_id = db.session.scalar(sa.select(OutboxMessage.id))
        assert claim(message_id, now) is not None  # a worker took it, then died
        assert claim(message_id, now) is None, "a second worker cannot take it"
        assert sum(deliver_due(now=now + timedelta(seconds=10)).values()) == 0
        assert wechat_fake.messages == []
        later = now + claim_lease() + timedelta(seconds=1)
        assert deliver_due(now=later)["sent"] == 1
        assert sum(deliver_due(now=later + timedelta(hours=1)).values()) == 0
    assert len(wechat_fake.messages) == 1
    assert outbox(app).status == "sent" and outbox(app).attempts == 2


def test_worker_command_drains_and_exits(app, client, member, staff, runner, wechat_fake):
    decided(app, client, member, staff, who="a")
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent=1" in result.output and len(wechat_fake.messages) == 1
    assert "sent=0" in runner.invoke(args=["worker", "--once"]).output


def test_a_stopping_worker_claims_no_further_message(app, client, member, staff, wechat_fake):
    for seq, who in enumerate(("a", "b"), start=1):
        created = applied(client, member(who), form({"org_id": org_id(app, "JS-XW")}, seq))
        client.post(f"{QUEUE}/{created['id']}/approve", headers=staff("jinshui_reviewer"))
    stop = threading.Event()
    stop.set()  # Ctrl-C or SIGTERM arrived while the round was starting
    with app.app_context():
        assert sum(deliver_due(stop=stop).values()) == 0
        statuses = db.session.scalars(sa.select(OutboxMessage.status)).all()
    assert statuses == ["pending", "pending"] and wechat_fake.messages == []
    with app.app_context():
        assert deliver_due(stop=threading.Event())["sent"] == 2, "the next worker sends both"
