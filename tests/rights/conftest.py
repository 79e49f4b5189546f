"""Personal data rights: the demo orgs, refund policies in their window, stations."""

import pytest

from tests.refunds.conftest import policies, refunds, settings  # noqa: F401
from tests.stations.conftest import add_station  # noqa: F401


@pytest.fixture(autouse=True)
def _demo_tree(demo_orgs):
    """Every test here runs on the demo org tree and its staff accounts."""
