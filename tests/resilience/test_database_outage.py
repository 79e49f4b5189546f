"""A real MariaDB stopped and restarted under write load: 503s, recovery, no lost writes."""

import threading
import time

import pytest
import requests
import sqlalchemy as sa
from flask_migrate import upgrade

from service import create_app
from service.demo import DEMO_PASSWORD
from service.demo.orgs import seed_orgs
from service.extensions import db
from tests.servers import Gunicorn

pytestmark = pytest.mark.slow


def test_writes_during_an_outage_are_refused_cleanly_and_none_is_lost(own_mariadb, tmp_path):
    url, halt, serve = own_mariadb
    app = create_app({"SERVICE_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade()
        seed_orgs(DEMO_PASSWORD)
        db.session.commit()
        db.engine.dispose()
    env = {"DATABASE_URL": url, "SERVICE_ENV": "development", "UPLOAD_DIR": str(tmp_path)}
    with Gunicorn(env, workers=2) as server:
        token = requests.post(f"{server.url}/api/v1/admin/auth/login", timeout=10, json={
            "username": "city_admin", "password": DEMO_PASSWORD}).json()["token"]
        # A grassroots union sits under a district federation (DOMAIN.md "The org tree").
        orgs = requests.get(f"{server.url}/api/v1/admin/orgs?kind=district_federation"
                            "&page_size=1", timeout=10,
                            headers={"Authorization": f"Bearer {token}"}).json()
        district_id = orgs["items"][0]["id"]
        outcomes, stop = [], threading.Event()

        def write(worker):
            n = 0
            while not stop.is_set():
                n += 1
                name = f"压力测试工会-{worker}-{n}"
                try:
                    answer = requests.post(
                        f"{server.url}/api/v1/admin/orgs", timeout=15,
                        headers={"Authorization": f"Bearer {token}"},
                        json={"name": name, "kind": "grassroots", "parent_id": district_id})
                    outcomes.append((name, answer.status_code, answer.json()))
                except requests.RequestException as exc:  # not acknowledged: may or may not exist
                    outcomes.append((name, None, repr(exc)))
                time.sleep(0.02)

        writers = [threading.Thread(target=write, args=(i,)) for i in range(4)]
        for thread in writers:
            thread.start()
        time.sleep(1.5)
        halt()
        time.sleep(2.5)
        down = requests.get(f"{server.url}/readyz", timeout=10)
        serve()
        time.sleep(3)
        stop.set()
        for thread in writers:
            thread.join()
        after = requests.get(f"{server.url}/readyz", timeout=10)

    assert down.status_code == 503 and down.json()["error"] == "database_unavailable"
    assert after.status_code == 200, "recovers without restarting the app"
    statuses = [status for _, status, _ in outcomes]
    assert 500 not in statuses
    assert statuses.count(503) >= 1, "the outage was seen by the writers"
    refused = [body for _, status, body in outcomes if status == 503]
    assert all(body["error"] == "database_unavailable" and body["message"] for body in refused)
    acknowledged = {name for name, status, _ in outcomes if status == 201}
    last_ack = max(i for i, (_, status, _) in enumerate(outcomes) if status == 201)
    first_503 = statuses.index(503)
    assert last_ack > first_503, "writes succeed again after the restart"
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = set(conn.execute(sa.text(
            "SELECT name FROM orgs WHERE name LIKE '压力测试工会-%'")).scalars())
    engine.dispose()
    assert acknowledged <= stored, f"lost acknowledged writes: {acknowledged - stored}"
