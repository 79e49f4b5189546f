"""/readyz follows the database down and back up, without restarting the app."""

import shutil

import pytest
import sqlalchemy as sa

from service import create_app
from service.extensions import db
from tests.faults import TcpProxy
from tests.helpers import ON_MYSQL


@pytest.fixture
def outage(settings, database_url, tmp_path):
    """(app, cut, restore): an app whose database connection can be taken away."""
    if ON_MYSQL:
        url = sa.engine.make_url(database_url)
        proxy = TcpProxy(url.host, url.port or 3306)
        settings["SQLALCHEMY_DATABASE_URI"] = url.set(
            host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        yield create_app(settings), proxy.cut, proxy.restore
        proxy.close()
        return
    source = database_url.removeprefix("sqlite:///")
    target = tmp_path / "moved" / "live.db"
    settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{target}"

    def restore():
        target.parent.mkdir(exist_ok=True)
        shutil.copy(source, target)

    app = create_app(settings)

    def cut():
        shutil.rmtree(target.parent, ignore_errors=True)
        with app.app_context():  # a file database has no server to lose: drop open handles
            db.engine.dispose()

    restore()
    yield app, cut, restore


def test_readyz_503_while_database_down_then_recovers(outage):
    app, cut, restore = outage
    client = app.test_client()
    assert client.get("/readyz").status_code == 200

    cut()
    down = client.get("/readyz")
    assert down.status_code == 503
    body = down.get_json()
    assert body["error"] == "database_unavailable"
    assert body["code"] == 503 and "数据库" in body["message"]
    assert client.get("/healthz").status_code == 200, "the process keeps serving"

    restore()
    assert client.get("/readyz").status_code == 200
