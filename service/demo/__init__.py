"""The demo data set: a Zhengzhou org tree and one account per role, then each feature's."""

from service.demo.orgs import seed_orgs
from service.demo.stations import seed_stations

DEMO_PASSWORD = "demo-pass-2026"


def seed() -> list[str]:
    """Load every part of the demo data set; return lines describing the accounts."""
    lines = seed_orgs(DEMO_PASSWORD)
    lines += seed_stations()
    return lines
