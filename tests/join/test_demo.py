"""seed-demo adds join codes and a few hundred applications, once."""

import pytest
import sqlalchemy as sa

from service.demo import DEMO_PASSWORD
from service.demo.join import APPLICATIONS, CODES
from service.extensions import db
from service.models.join_codes import JoinCode
from service.models.members import JoinApplication, Member


@pytest.fixture
def _demo_tree():
    """Start from an empty database: seed-demo makes the tree itself."""


def table_counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                     for model in (JoinCode, JoinApplication, Member))


def test_seed_demo_is_idempotent_and_feeds_the_overview(app, client, runner, wechat_fake):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "demo join codes: 7" in first.output
    codes, applications, members = table_counts(app)
    assert (codes, applications) == (len(CODES), APPLICATIONS) and 100 < members < APPLICATIONS
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert table_counts(app) == (codes, applications, members)
    token = client.post("/api/v1/admin/auth/login", json={
        "username": "city_admin", "password": DEMO_PASSWORD}).get_json()["token"]
    overview = client.get("/api/v1/admin/stats/overview",
                          headers={"Authorization": f"Bearer {token}"}).get_json()
    assert overview["members"]["total"] == members
    assert sum(row["count"] for row in overview["members"]["by_month"]) == members
    by_status = overview["applications"]["by_status"]
    assert by_status["pending"] > 0 and by_status["rejected"] > 0


def test_seed_demo_without_wechat_skips_codes_only(app, runner, wechat_fake):
    wechat_fake.fault("/wxa/getwxacodeunlimit", "http500", count=50)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output
    assert table_counts(app)[:2] == (0, APPLICATIONS)
