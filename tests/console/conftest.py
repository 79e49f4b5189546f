import pytest


@pytest.fixture(autouse=True)
def _demo_tree(demo_orgs):
    """Every console test runs on the demo org tree and its staff accounts."""


@pytest.fixture
def demo_data(app, wechat_fake):
    """The whole demo data set (applications, members, stations, refunds), as seed-demo."""
    from service.demo import seed
    from service.extensions import db

    with app.app_context():
        seed()
        db.session.commit()
