"""Demo stations: about 900 over Zhengzhou in DOMAIN.md's proportions, found out of the box."""

from collections import Counter

import pytest
from sqlalchemy import select

from service.demo.stations import generate_stations
from service.extensions import db
from service.models.orgs import Org
from service.models.stations import Station

# Places people would stand: 二七广场, 郑州东站, 郑州大学, 郑州站, 花园路, 中牟, 新郑, 荥阳.
PLACES = [(34.7466, 113.6253), (34.7597, 113.7786), (34.8180, 113.5340), (34.7455, 113.6587),
          (34.7930, 113.6740), (34.7200, 113.9760), (34.3960, 113.7390), (34.7870, 113.3830)]


@pytest.fixture
def seeded(app, runner):
    with app.app_context():
        first = runner.invoke(args=["seed-demo"])
        assert first.exit_code == 0, first.output
        assert "demo stations: 900 added" in first.output
        again = runner.invoke(args=["seed-demo"])
        assert "demo stations: 0 added, 900 already present" in again.output
        yield list(db.session.scalars(select(Station)))


def test_demo_stations_follow_the_city_proportions(seeded):
    kinds = Counter(station.kind for station in seeded)
    assert len(seeded) == 900
    homes = kinds["rider_home"] + kinds["driver_home"]
    assert 0.70 < kinds["love_station"] / 900 < 0.78  # 887 / 1204 = 0.74
    assert 0.07 < homes / 900 < 0.13  # 117 / 1204 = 0.10
    assert 0.13 < kinds["mother_baby_room"] / 900 < 0.20  # 200 / 1204 = 0.17
    assert kinds["rider_home"] and kinds["driver_home"]
    rooms = [s for s in seeded if s.kind == "mother_baby_room"]
    assert any(not room.is_public for room in rooms) and all(room.facilities for room in rooms)
    assert 0 < sum(s.status == "suspended" for s in seeded) < 45
    assert sum(s.always_open for s in seeded) > 250
    overnight = [s for s in seeded if any(
        end < start for ranges in s.hours.get("weekly", {}).values() for start, end in ranges)]
    sunday_closed = [s for s in seeded if s.hours.get("weekly", {}).get("sun") == []]
    assert overnight and sunday_closed
    assert {s.org.kind for s in seeded} == {"district_federation"}
    assert len({s.org_id for s in seeded}) == 12 and len({s.name for s in seeded}) > 300


@pytest.mark.parametrize("place", PLACES)
def test_nearby_finds_demo_stations_anywhere_in_zhengzhou(client, seeded, place):
    body = client.get("/api/v1/stations/nearby", query_string={"lat": place[0],
                                                               "lng": place[1]}).get_json()
    assert len(body["items"]) >= 3, place


def test_generator_is_deterministic_and_complete(app, demo_orgs):
    with app.app_context():
        org_ids = dict(db.session.execute(select(Org.code, Org.id)).all())
    first = list(generate_stations(50, seed=11, org_ids=org_ids))
    assert first == list(generate_stations(50, seed=11, org_ids=org_ids))
    columns = {column.key for column in Station.__table__.columns}
    assert columns - set(first[0]) == {"id", "created_at", "updated_at"}
    around = list(generate_stations(200, seed=1, around=(30.0, 120.0), spread_m=1000,
                                    org_ids=1))
    assert all(abs(row["lat_e6"] - 30_000_000) < 10_000 for row in around)
