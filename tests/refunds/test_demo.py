"""The demo data set shows every state of the refund workflow, and loads twice the same."""

from pathlib import Path

import sqlalchemy as sa

from service.extensions import db
from service.models.refund_applications import RefundApplication, RefundAttachment
from service.models.refunds import Enterprise


def _counts(app):
    with app.app_context():
        statuses = db.session.scalars(sa.select(RefundApplication.status)).all()
        return (db.session.scalar(sa.select(sa.func.count(Enterprise.id))), sorted(statuses),
                db.session.scalar(sa.select(sa.func.count(RefundAttachment.id))))


def _seed(app, runner):
    # The flask command pushes an app context itself; the test runner does not.
    with app.app_context():
        return runner.invoke(args=["seed-demo"])


def test_seed_demo_is_idempotent_and_shows_every_state(app, runner, client):
    first = _seed(app, runner)
    assert first.exit_code == 0, first.output
    assert "refund demo" in first.output
    enterprises, statuses, attachments = _counts(app)
    assert enterprises == 5
    assert set(statuses) == {"draft", "submitted", "approved", "rejected", "paid"}
    assert _seed(app, runner).exit_code == 0
    assert _counts(app) == (enterprises, statuses, attachments)
    stored = [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]
    assert len(stored) == attachments


def test_demo_reviewers_see_their_districts(app, runner, client, staff):
    assert _seed(app, runner).exit_code == 0
    jinshui = client.get("/api/v1/admin/refunds/applications",
                         headers=staff("jinshui_refunds")).get_json()
    erqi = client.get("/api/v1/admin/refunds/applications",
                      headers=staff("erqi_refunds")).get_json()
    assert {a["district_code"] for a in jinshui["items"]} == {"410105"}
    assert {a["district_code"] for a in erqi["items"]} == {"410103"}
    paid = next(a for a in jinshui["items"] if a["status"] == "paid")
    assert paid["payment"]["paid_fen"] == paid["refundable_fen"]
