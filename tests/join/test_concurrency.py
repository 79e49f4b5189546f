"""Twenty simultaneous submissions of one ID number against a real multi-process server."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from tests.helpers import org_id
from tests.join.helpers import form
from tests.servers import Gunicorn

pytestmark = pytest.mark.slow
SUBMISSIONS = 20


@pytest.mark.parametrize("org_code", ["ZZ-ELM", "ZZ-MT"])  # reviewed, auto-approved
def test_one_person_twenty_submissions_make_one_application(app, database_url, wechat_fake,
                                                            org_code):
    target = {"org_id": org_id(app, org_code)}
    env = {"DATABASE_URL": database_url, "WECHAT_API_BASE": wechat_fake.base_url,
           "SERVICE_ENV": "development", "GUNICORN_THREADS": "4",
           "LOGIN_RATE_LIMIT": "1000 per minute", "SUBMIT_RATE_LIMIT": "1000 per minute"}
    with Gunicorn(env, workers=3) as server:
        tokens = [requests.post(f"{server.url}/api/v1/auth/wechat-login",
                                json={"code": f"user-same{i}-1"}, timeout=10).json()["token"]
                  for i in range(SUBMISSIONS)]
        start = threading.Barrier(SUBMISSIONS)

        def submit(token):
            start.wait()
            return requests.post(f"{server.url}/api/v1/join/applications", json=form(target),
                                 headers={"Authorization": f"Bearer {token}"}, timeout=30)

        with ThreadPoolExecutor(SUBMISSIONS) as pool:
            responses = list(pool.map(submit, tokens))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (SUBMISSIONS - 1), [r.text for r in responses]
    errors = {r.json()["error"] for r in responses if r.status_code == 409}
    assert errors <= {"application_pending", "already_member"}
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        applications = conn.scalar(sa.text("SELECT COUNT(*) FROM join_applications"))
        members = conn.scalar(sa.text("SELECT COUNT(*) FROM members"))
    engine.dispose()
    assert applications == 1
    assert members == (1 if org_code == "ZZ-MT" else 0)


def test_reviewers_deciding_at_once_decide_once(app, client, member, staff, database_url,
                                                wechat_fake):
    created = client.post("/api/v1/join/applications", headers=member("contested"),
                          json=form({"org_id": org_id(app, "JS-XW")})).get_json()
    tokens = [staff.token("city_admin"), staff.token("jinshui_reviewer")]
    env = {"DATABASE_URL": database_url, "WECHAT_API_BASE": wechat_fake.base_url,
           "SERVICE_ENV": "development", "GUNICORN_THREADS": "4"}
    with Gunicorn(env, workers=3) as server:
        start = threading.Barrier(10)

        def decide(i):
            start.wait()
            action = "approve" if i % 2 else "reject"
            return requests.post(
                f"{server.url}/api/v1/admin/join/applications/{created['id']}/{action}",
                json={"reason": "资料不全"}, timeout=30,
                headers={"Authorization": f"Bearer {tokens[i % 2]}"})

        with ThreadPoolExecutor(10) as pool:
            responses = list(pool.map(decide, range(10)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 9, [r.text for r in responses]
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        outbox = conn.scalar(sa.text("SELECT COUNT(*) FROM outbox"))
        members = conn.scalar(sa.text("SELECT COUNT(*) FROM members"))
        status = conn.scalar(sa.text("SELECT status FROM join_applications"))
    engine.dispose()
    assert outbox == 1 and members == (1 if status == "approved" else 0)
