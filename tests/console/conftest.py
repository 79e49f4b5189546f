import pytest


@pytest.fixture(autouse=True)
def _demo_tree(demo_orgs):
    """Every console test runs on the demo org tree and its staff accounts."""
