"""The demo data set: a Zhengzhou org tree and one account per role, then each feature's."""

from service.demo.join import seed_join
from service.demo.orgs import seed_orgs
from service.demo.refunds import seed_refunds
from service.demo.stations import seed_stations
from service.extensions import db

DEMO_PASSWORD = "demo-pass-2026"


def seed() -> list[str]:
    """Load every part of the demo data set; return lines describing the accounts."""
    lines = seed_orgs(DEMO_PASSWORD)
    # Each part commits on its own: join codes call WeChat, whose token store writes
    # through another connection, which SQLite blocks while this one holds a write lock.
    db.session.commit()
    lines += seed_join()
    lines += seed_refunds()
    lines += seed_stations()
    return lines
