"""Fixtures: an app per test on a freshly migrated database (SQLite or MariaDB)."""

import shutil

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from service import create_app
from service.extensions import db
from tests.helpers import ON_MYSQL, TEST_DATABASE_URL, MemberLogin, StaffLogin
from tests.replicas import catch_up, replica_url
from tests.servers import RedisServer


def _settings(database_url, tmp_path):
    return {
        "SERVICE_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "RATELIMIT_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # REDIS_URL in the environment is for tests that ask for Redis explicitly.
        "REDIS_URL": None,
    }


def _mysql_database(worker_id):
    """A database of its own per xdist worker, created empty."""
    url = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"{url.database}_{worker_id}"
    server = sa.create_engine(url.set(database=""))
    with server.begin() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        conn.execute(sa.text(
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    server.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory, worker_id):
    """Run the migrations once; tests start from a copy (SQLite) or a cleaned schema."""
    base = tmp_path_factory.mktemp("db")
    url = _mysql_database(worker_id) if ON_MYSQL else f"sqlite:///{base / 'template.db'}"
    app = create_app(_settings(url, base))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def database_url(migrated_database, tmp_path):
    if not ON_MYSQL:
        path = tmp_path / "test.db"
        shutil.copy(migrated_database.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        return
    yield migrated_database
    engine = sa.create_engine(migrated_database)
    with engine.begin() as conn:
        conn.execute(sa.text("SET FOREIGN_KEY_CHECKS = 0"))
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "revisions":  # its rows come with the migration, as in production
                conn.execute(table.delete())
        conn.execute(sa.text("SET FOREIGN_KEY_CHECKS = 1"))
    engine.dispose()


@pytest.fixture(scope="session")
def wechat_server():
    """The fake WeChat server on loopback, one per test process."""
    from service.wechat.fake import FakeWeChatServer

    with FakeWeChatServer() as server:
        yield server


@pytest.fixture
def wechat_fake(wechat_server):
    """The fake WeChat, its log and faults cleared for this test."""
    wechat_server.reset()
    yield wechat_server
    wechat_server.reset()


@pytest.fixture
def settings(database_url, tmp_path, wechat_fake):
    """Overrides for create_app; tests may add to it before asking for `app`."""
    return {**_settings(database_url, tmp_path), "WECHAT_API_BASE": wechat_fake.base_url,
            "WECHAT_TIMEOUT": 2.0}


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo_orgs(app):
    """The demo org tree and staff accounts (see service/demo/orgs.py)."""
    from service.demo import DEMO_PASSWORD
    from service.demo.orgs import seed_orgs

    with app.app_context():
        seed_orgs(DEMO_PASSWORD)
        db.session.commit()


@pytest.fixture
def lagging(settings, database_url, demo_orgs):
    """An app whose replica holds the primary's rows as of now, then stops replicating."""
    replica = replica_url(database_url)
    catch_up(database_url, replica)
    app = create_app({**settings, "DATABASE_REPLICA_URL": replica})
    yield app, replica
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def staff(client, demo_orgs):
    """Log staff in by username: `staff("jinshui_admin")` -> Authorization headers."""
    return StaffLogin(client)


@pytest.fixture
def member(client, wechat_fake):
    """Log WeChat users in by name: `member("alice")` -> Authorization headers."""
    return MemberLogin(client)


@pytest.fixture
def redis_server():
    """A Redis server of this test's own, which the test may stop."""
    server = RedisServer()
    yield server.url, server.process
    server.stop()
