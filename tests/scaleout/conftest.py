"""Shared parts for the drill: one MariaDB and one Redis of the drill's own, migrated and
seeded with the demo org tree, and app instances (gunicorn masters) on loopback."""

import subprocess

import pytest
from flask_migrate import upgrade

from service import create_app
from service.demo import DEMO_PASSWORD
from service.demo.orgs import seed_orgs
from service.extensions import db
from tests.servers import ROOT, free_port

MARIADB = ["bash", str(ROOT / "tests" / "mariadb.sh")]


@pytest.fixture(scope="package")
def drill_database(tmp_path_factory):
    """A MariaDB of the drill's own (whatever TEST_DATABASE_URL says): instances share it."""
    data = tmp_path_factory.mktemp("drill") / "mariadb"
    url = subprocess.run([*MARIADB, "start", str(data), str(free_port())], check=True,
                         capture_output=True, text=True).stdout.split()[-1]
    app = create_app({"SERVICE_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "REDIS_URL": None})
    with app.app_context():
        upgrade()
        seed_orgs(DEMO_PASSWORD)
        db.session.commit()
        db.engine.dispose()
    yield url
    subprocess.run([*MARIADB, "stop", str(data)], check=False)


@pytest.fixture(scope="package")
def drill_app(drill_database, wechat_server):
    """An app on the drill's database, for reading and arranging rows from the test."""
    app = create_app({"SERVICE_ENV": "testing", "SQLALCHEMY_DATABASE_URI": drill_database,
                      "REDIS_URL": None, "WECHAT_API_BASE": wechat_server.base_url})
    yield app
    with app.app_context():
        db.engine.dispose()


def instance_env(database_url, wechat_url, redis_url="", **extra) -> dict:
    """One instance's settings: the production config shape, on the shared servers."""
    return {"DATABASE_URL": database_url, "WECHAT_API_BASE": wechat_url,
            "REDIS_URL": redis_url, "SERVICE_ENV": "development", "GUNICORN_THREADS": "4",
            # Behind the drill's nginx, as deployed: the client address from X-Forwarded-For.
            "TRUSTED_PROXIES": "1",
            # A sign-up hall: every rider from one address (DRILL_SIGNUPS=2000 of them).
            "LOGIN_RATE_LIMIT": "10000 per minute", "SUBMIT_RATE_LIMIT": "1000 per minute",
            "WECHAT_LOGIN_ADDRESS_LIMIT": "10000 per minute",
            **extra}
