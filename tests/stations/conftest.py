"""Fixtures for station tests: stations written straight to the database, a fixed clock."""

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models.orgs import Org
from service.models.stations import Station
from service.stations.values import apply_station
from tests.stations.helpers import ALWAYS, CENTRE


@pytest.fixture
def add_station(app, demo_orgs):
    """`add_station(name, lat, lng, **fields)` -> id, owned by 金水区总工会 unless `org`."""
    counter = iter(range(1, 100_000))

    def add(name="测试驿站", lat=CENTRE[0], lng=CENTRE[1], *, org="JS", **fields):
        with app.app_context():
            owner = db.session.scalar(select(Org).where(Org.code == org))
            data = {"kind": "love_station", "name": name, "lat": lat, "lng": lng,
                    "hours": ALWAYS, "org_id": owner.id,
                    "external_code": f"T-{org}-{next(counter)}", **fields}
            station = apply_station(Station(), data, creating=True)
            db.session.add(station)
            db.session.commit()
            return station.id

    return add


@pytest.fixture
def clock(app):
    """Fix the moment `open_now` is computed for: `clock(datetime)`."""

    def set_clock(moment):
        app.config["FIXED_NOW"] = moment

    return set_clock
