"""Refund fixtures: a pinned "today" inside the 2023-2024 window, policies, a helper."""

import pytest

from service.extensions import db
from service.refunds.policies import ensure_default_policies
from tests.refunds.helpers import Refunds

# Inside the application window of the 2023-2024 policy (2023-07-01 .. 2025-12-31).
TODAY = "2024-03-15"


@pytest.fixture
def settings(settings):
    settings["FIXED_TODAY"] = TODAY
    return settings


@pytest.fixture(autouse=True)
def policies(app):
    """The two known policies (a cleaned MariaDB schema has lost the migration's rows)."""
    with app.app_context():
        ensure_default_policies()
        db.session.commit()


@pytest.fixture
def refunds(app, client, member, staff):
    """Register enterprises, create, fill and submit applications through the API."""
    return Refunds(app, client, member, staff)
