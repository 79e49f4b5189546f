"""Credit-code squatting (issue 14 item 11): a cap per account, a rate limit, a file quota."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.config import ConfigError, load_config
from service.extensions import db
from service.models.refund_applications import RefundAttachment
from service.models.refunds import Enterprise
from service.refunds.files import MAX_BYTES
from tests.helpers import assert_error
from tests.refunds.helpers import PDF, enterprise_body

URL = "/api/v1/refunds/enterprises"


def enterprises_of(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Enterprise.id)))


def test_an_account_registers_at_most_three_enterprises(app, client, member, refunds):
    for _ in range(3):
        refunds.enterprise("mallory")
    body = assert_error(client.post(URL, headers=member("mallory"), json=enterprise_body()),
                        409, "enterprise_limit_reached")
    assert "3家" in body["message"]
    assert enterprises_of(app) == 3
    refunds.enterprise("alice")  # the cap is per account


def test_the_cap_is_a_setting(app, client, member, refunds):
    app.config["ENTERPRISES_PER_ACCOUNT"] = 1
    refunds.enterprise("mallory")
    body = assert_error(client.post(URL, headers=member("mallory"), json=enterprise_body()),
                        409, "enterprise_limit_reached")
    assert "1家" in body["message"]


def test_registration_is_rate_limited_per_account(settings, demo_orgs):
    from service import create_app

    settings.update(RATELIMIT_ENABLED=True, ENTERPRISE_RATE_LIMIT="2 per minute",
                    ENTERPRISES_PER_ACCOUNT=10)
    app = create_app(settings)
    limited = app.test_client()
    from tests.helpers import MemberLogin

    login = MemberLogin(limited)
    statuses = [limited.post(URL, headers=login("mallory"), json=enterprise_body()).status_code
                for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert_error(limited.post(URL, headers=login("mallory"), json=enterprise_body()), 429)
    assert limited.post(URL, headers=login("alice"), json=enterprise_body()).status_code == 201
    assert limited.get(URL, headers=login("mallory")).status_code == 200  # reading is free


@pytest.mark.parametrize(("name", "value"), [
    ("ENTERPRISES_PER_ACCOUNT", "0"), ("ENTERPRISES_PER_ACCOUNT", "three"),
    ("ENTERPRISE_RATE_LIMIT", "lots"), ("ENTERPRISE_RATE_LIMIT", "5 per fortnight")])
def test_the_settings_fail_closed(name, value):
    with pytest.raises(ConfigError, match=name):
        load_config({"SERVICE_ENV": "testing"}, environ={name: value})


def test_files_per_application_at_most_20(app, refunds):
    application = refunds.application("alice")
    for _ in range(20):
        assert refunds.attach("alice", application["id"]).status_code == 201
    body = assert_error(refunds.attach("alice", application["id"]), 409, "too_many_attachments")
    assert "20个" in body["message"]


def test_files_per_application_at_most_50_mb_in_all(app, refunds):
    application = refunds.application("alice")
    big = PDF + b"0" * (MAX_BYTES - len(PDF))
    for _ in range(5):
        assert refunds.attach("alice", application["id"], data=big).status_code == 201
    body = assert_error(refunds.attach("alice", application["id"]), 413,
                        "attachments_quota_exceeded")
    assert "50MB" in body["message"]
    with app.app_context():
        stored = db.session.scalars(select(RefundAttachment.size_bytes)).all()
    assert stored == [MAX_BYTES] * 5
    saved = [path for path in Path(app.config["UPLOAD_DIR"]).rglob("*") if path.is_file()]
    assert len(saved) == 5, "the refused file is not left behind"
