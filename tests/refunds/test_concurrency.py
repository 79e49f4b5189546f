"""Two reviewers approving the same application at once, against a real gunicorn."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from service.commands import create_admin
from service.demo import DEMO_PASSWORD
from service.extensions import db
from service.models.outbox import OutboxMessage
from service.models.refund_applications import RefundStatusChange
from tests.helpers import org_id
from tests.servers import Gunicorn

pytestmark = pytest.mark.slow
RACES = 4


def test_two_approvals_at_once_give_one_200_and_one_409(app, database_url, refunds):
    applications = [refunds.submitted(f"alice{race}")["id"] for race in range(RACES)]
    with app.app_context():
        from service.models.orgs import Org

        create_admin("jinshui_refunds_2", db.session.get(Org, org_id(app, "JS")),
                     ["refund_reviewer"], DEMO_PASSWORD)
        db.session.commit()
    env = {"DATABASE_URL": database_url, "SERVICE_ENV": "development",
           "LOGIN_RATE_LIMIT": "1000 per minute", "LOG_LEVEL": "WARNING"}
    with Gunicorn(env, workers=2) as server:
        def login(username):
            response = requests.post(f"{server.url}/api/v1/admin/auth/login", timeout=10,
                                     json={"username": username, "password": DEMO_PASSWORD})
            return {"Authorization": f"Bearer {response.json()['token']}"}

        reviewers = [login("jinshui_refunds"), login("jinshui_refunds_2")]
        results = []
        for application_id in applications:
            barrier = threading.Barrier(2)

            def approve(headers, application_id=application_id, barrier=barrier):
                barrier.wait()
                return requests.post(
                    f"{server.url}/api/v1/admin/refunds/applications/{application_id}/review",
                    json={"decision": "approve"}, headers=headers, timeout=30)

            with ThreadPoolExecutor(2) as pool:
                results.append(list(pool.map(approve, reviewers)))
    for pair in results:
        assert sorted(r.status_code for r in pair) == [200, 409], [r.text for r in pair]
        conflict = next(r for r in pair if r.status_code == 409).json()
        assert conflict["error"] in ("status_conflict", "status_invalid")
        assert conflict["message"]
    with app.app_context():
        approvals = db.session.scalar(sa.select(sa.func.count()).where(
            RefundStatusChange.to_status == "approved"))
        notices = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    assert approvals == RACES and notices == RACES
