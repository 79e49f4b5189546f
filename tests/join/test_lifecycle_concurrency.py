"""Staff acting on one transfer or withdrawal at once, against a real multi-process server."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from tests.helpers import org_id
from tests.join.helpers import applied, form
from tests.servers import Gunicorn

pytestmark = pytest.mark.slow
AT_ONCE = 10


def _at_once(server, path: str, tokens: list[str], body=None) -> list[int]:
    start = threading.Barrier(AT_ONCE)

    def act(i):
        start.wait()
        return requests.post(f"{server.url}{path}", json=body, timeout=30,
                             headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"})

    with ThreadPoolExecutor(AT_ONCE) as pool:
        return sorted(r.status_code for r in pool.map(act, range(AT_ONCE)))


def test_release_and_accept_at_once_move_the_member_once(app, client, member, staff,
                                                         database_url, wechat_fake):
    applied(client, member("rider"), form({"org_id": org_id(app, "ZZ-MT")}))
    transfer = client.post("/api/v1/me/transfers", headers=member("rider"),
                           json={"org_id": org_id(app, "JS-XW"), "reason": "换站点"}).get_json()
    applied(client, member("leaver"), form({"org_id": org_id(app, "ZZ-MT")}, seq=2))
    withdrawal = client.post("/api/v1/me/withdrawal", headers=member("leaver"),
                             json={"reason": "回老家"}).get_json()
    env = {"DATABASE_URL": database_url, "WECHAT_API_BASE": wechat_fake.base_url,
           "SERVICE_ENV": "development", "GUNICORN_THREADS": "4"}
    releasers = [staff.token("city_admin"), staff.token("xyt_reviewer")]
    accepters = [staff.token("city_admin"), staff.token("jinshui_reviewer")]
    base = f"/api/v1/admin/transfers/{transfer['id']}"
    with Gunicorn(env, workers=3) as server:
        released = _at_once(server, f"{base}/release", releasers)
        accepted = _at_once(server, f"{base}/accept", accepters)
        confirmed = _at_once(server, f"/api/v1/admin/withdrawals/{withdrawal['id']}/confirm",
                             releasers)
    assert released == accepted == confirmed == [200] + [409] * (AT_ONCE - 1)
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        moves = conn.scalar(sa.text("SELECT COUNT(*) FROM member_transfers"))
        steps = conn.execute(sa.text(
            "SELECT subject, action FROM membership_events ORDER BY id")).all()
        status = conn.scalar(sa.text("SELECT status FROM transfer_requests"))
        notices = conn.scalar(sa.text("SELECT COUNT(*) FROM outbox"))
    engine.dispose()
    assert (moves, status) == (1, "completed")
    assert [tuple(s) for s in steps] == [
        ("transfer", "submitted"), ("withdrawal", "submitted"), ("transfer", "released"),
        ("transfer", "accepted"), ("withdrawal", "confirmed")]
    assert notices == 3 + 2  # three transfer steps, two withdrawal steps, each once
