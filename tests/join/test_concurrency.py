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
    """One account wins the person; the other nineteen are kept as disputes for staff."""
    target = {"org_id": org_id(app, org_code)}
    env = {"DATABASE_URL": database_url, "WECHAT_API_BASE": wechat_fake.base_url,
           "SERVICE_ENV": "development", "GUNICORN_THREADS": "4",
           "LOGIN_RATE_LIMIT": "1000 per minute", "SUBMIT_RATE_LIMIT": "1000 per minute"}
    with Gunicorn(env, workers=3) as server:
        tokens = [requests.post(f"{server.url}/api/v1/auth/wechat-login",
                                json={"code": f"user-same{i}-1"}, timeout=10).json()["token"]
                  for i in range(SUBMISSIONS)]
        for i, token in enumerate(tokens):  # every account's WeChat-verified phone
            assert requests.post(f"{server.url}/api/v1/me/phone", timeout=10,
                                 json={"code": f"phone-{form(target)['phone']}-{i}"},
                                 headers={"Authorization": f"Bearer {token}"}).ok
        start = threading.Barrier(SUBMISSIONS)

        def submit(token):
            start.wait()
            return requests.post(f"{server.url}/api/v1/join/applications", json=form(target),
                                 headers={"Authorization": f"Bearer {token}"}, timeout=30)

        with ThreadPoolExecutor(SUBMISSIONS) as pool:
            responses = list(pool.map(submit, tokens))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [202] * (SUBMISSIONS - 1), [r.text for r in responses]
    assert {r.json()["status"] for r in responses if r.status_code == 202} == {"disputed"}
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        live = conn.scalar(sa.text("SELECT COUNT(*) FROM join_applications "
                                   "WHERE active_person_index IS NOT NULL"))
        disputes = conn.scalar(sa.text("SELECT COUNT(*) FROM join_disputes"))
        members = conn.scalar(sa.text("SELECT COUNT(*) FROM members"))
    engine.dispose()
    assert live == 1 and disputes == SUBMISSIONS - 1
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


def test_staff_resolving_a_dispute_at_once_move_it_once(app, client, member, staff,
                                                        database_url, wechat_fake):
    holder = client.post("/api/v1/join/applications", headers=member("holder"),
                         json=form({"org_id": org_id(app, "ZZ-ELM")})).get_json()
    client.post(f"/api/v1/admin/join/applications/{holder['id']}/approve",
                headers=staff("xyt_reviewer"))
    claim = client.post("/api/v1/join/applications", headers=member("claimant"),
                        json=form({"org_id": org_id(app, "ZZ-ELM")}, name="陈静"))
    assert claim.status_code == 202
    [dispute] = client.get("/api/v1/admin/join/disputes",
                           headers=staff("xyt_reviewer")).get_json()["items"]
    tokens = [staff.token("city_admin"), staff.token("xyt_reviewer")]
    env = {"DATABASE_URL": database_url, "WECHAT_API_BASE": wechat_fake.base_url,
           "SERVICE_ENV": "development", "GUNICORN_THREADS": "4"}
    with Gunicorn(env, workers=3) as server:
        start = threading.Barrier(10)

        def resolve(i):
            start.wait()
            return requests.post(
                f"{server.url}/api/v1/admin/join/disputes/{dispute['id']}/resolve",
                json={"decision": "move", "note": "本人到场核实"}, timeout=30,
                headers={"Authorization": f"Bearer {tokens[i % 2]}"})

        with ThreadPoolExecutor(10) as pool:
            responses = list(pool.map(resolve, range(10)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 9, [r.text for r in responses]
    claimant = dispute["claimant"]["application_id"]
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        owner = conn.scalar(sa.text("SELECT user_id FROM members"))
        claimant_user = conn.scalar(sa.text(
            "SELECT user_id FROM join_applications WHERE id = :id"), {"id": claimant})
        notices = conn.scalar(sa.text(
            "SELECT COUNT(*) FROM outbox WHERE user_id = :user"), {"user": claimant_user})
        moves = conn.scalar(sa.text(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'join.dispute_move'"))
    engine.dispose()
    assert owner == claimant_user and notices == 1 and moves == 1
