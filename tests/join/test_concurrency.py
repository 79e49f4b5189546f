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
