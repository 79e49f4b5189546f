"""The search reads the (cell_row, lng_e6) index, on SQLite and on MariaDB/MySQL alike."""

import pytest
from sqlalchemy import func, select, text

from service.demo.stations import generate_stations, insert_stations
from service.domain.geo import cells_covering, haversine_m
from service.extensions import db
from service.models.stations import SERVICE_BITS, Station
from service.stations import search
from tests.helpers import org_id
from tests.stations.conftest import CENTRE, shanghai

INDEX = "ix_stations_cell"


# National data, as in production: a 50 km circle around Zhengzhou is a small part of it,
# so the optimizer's choice is a real test (with only local rows a full scan is cheaper).
ELSEWHERE = {"BJ": (39.9042, 116.4074), "SH": (31.2304, 121.4737), "GZ": (23.1291, 113.2644)}


@pytest.fixture
def many_stations(app, demo_orgs):
    """5,000 synthetic stations over a 20 km disc around the centre, 15,000 in other cities."""
    owner = org_id(app, "JS")
    with app.app_context():
        insert_stations(generate_stations(5000, seed=7, around=CENTRE, spread_m=20_000,
                                          org_ids=owner, code_prefix="IDX"))
        for n, (city, point) in enumerate(ELSEWHERE.items()):
            insert_stations(generate_stations(5000, seed=8 + n, around=point, spread_m=20_000,
                                              org_ids=owner, code_prefix=f"IDX-{city}"))
        db.session.execute(text("ANALYZE TABLE stations" if db.engine.dialect.name == "mysql"
                                else "ANALYZE"))
        db.session.commit()
    return 5000  # around the centre


def explain(statement) -> list[dict]:
    """The plan of `statement` as rows of dicts, in the dialect's own EXPLAIN."""
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    mysql = db.engine.dialect.name == "mysql"
    result = db.session.connection().exec_driver_sql(
        ("EXPLAIN " if mysql else "EXPLAIN QUERY PLAN ") + sql)
    return [dict(row._mapping) for row in result]


def assert_uses_cell_index(plan: list[dict]) -> None:
    if db.engine.dialect.name == "mysql":
        assert [(row["table"], row["key"], row["type"]) for row in plan] == [
            ("stations", INDEX, "range")], plan
        assert "Using index" in (plan[0]["Extra"] or ""), plan  # covering: no row reads
    else:
        details = " | ".join(row["detail"] for row in plan)
        assert f"USING COVERING INDEX {INDEX}" in details, details
        assert "SCAN" not in details, details


@pytest.mark.parametrize("radius", [250, 3000, 50_000])
@pytest.mark.parametrize(("kinds", "mask"), [
    ((), 0), (["love_station", "rider_home"], SERVICE_BITS["water"] | SERVICE_BITS["charging"])])
def test_nearby_candidates_use_the_cell_index(app, many_stations, radius, kinds, mask):
    with app.app_context():
        statement = search.candidate_query(cells_covering(*CENTRE, radius), kinds, mask)
        assert_uses_cell_index(explain(statement))


def test_viewport_count_and_candidates_use_the_cell_index(app, many_stations):
    box = search.box_clause(113.60, 34.72, 113.66, 34.77)
    with app.app_context():
        assert_uses_cell_index(explain(
            select(func.count()).select_from(Station).where(box, *search.public_filters())))
        assert_uses_cell_index(explain(
            select(Station.id, Station.lat_e6, Station.lng_e6)
            .where(box, *search.public_filters(["mother_baby_room"]))))


def test_nearby_reads_candidates_in_proportion_to_the_answer(app, many_stations):
    with app.app_context():
        result = search.nearby(*CENTRE, 50_000, limit=10)
        assert len(result.items) == 10
        # a small ring, then one grown by the density it saw: a few dozen entries read
        assert result.queries <= 2 and result.radii[-1] < 5000
        assert result.candidates < many_stations / 50
        rows = db.session.execute(select(Station.lat_e6, Station.lng_e6)
                                  .where(Station.searchable.is_(True))).all()
        true_nearest = sorted(haversine_m(*CENTRE, a / 1e6, b / 1e6) for a, b in rows)[:10]
        assert [item["distance_m"] for item in result.items] == [round(d)
                                                                 for d in true_nearest]


def test_a_rare_filter_widens_the_ring_until_found(app, many_stations, add_station):
    far = add_station("远处的电池柜", CENTRE[0] + 0.3, CENTRE[1],
                      services=["battery_swap", "nursing", "locker", "umbrella"])
    with app.app_context():
        mask = sum(SERVICE_BITS[code] for code in ("battery_swap", "nursing", "locker",
                                                    "umbrella"))
        result = search.nearby(*CENTRE, 50_000, mask=mask, limit=1)
        assert [item["id"] for item in result.items] == [far]
        assert result.radii == [250, 2000, 16_000, 50_000]  # nothing found: 8x each time
        assert result.queries == len(result.radii)


def test_a_dense_district_past_a_sparse_edge_is_read_in_steps(app, add_station, monkeypatch):
    monkeypatch.setattr(search, "MAX_FETCH", 50)
    lat0, lng0 = CENTRE
    near = [add_station(f"近{i}", lat0 + 0.01 + i * 0.002, lng0) for i in range(3)]
    with app.app_context():
        insert_stations(generate_stations(300, seed=5, around=(lat0, lng0 + 0.037),
                                          spread_m=300, org_ids=org_id(app, "JS"),
                                          code_prefix="DENSE"))
        db.session.commit()
        result = search.nearby(*CENTRE, 50_000, limit=10)
        rows = db.session.execute(select(Station.id, Station.lat_e6, Station.lng_e6)
                                  .where(Station.searchable.is_(True))).all()
    true_nearest = sorted((haversine_m(*CENTRE, a / 1e6, b / 1e6), i) for i, a, b in rows)[:10]
    assert [item["id"] for item in result.items] == [i for _, i in true_nearest]
    assert [item["id"] for item in result.items][:3] == near
    assert result.queries > len(result.radii)  # some rings were too full to read at once


@pytest.mark.parametrize("north_m", [0, 90, -170, 260])
def test_a_crowded_ring_sends_only_its_nearest_rows_to_python(app, demo_orgs, north_m):
    """A thousand stations in the first ring: the database returns the nearest few."""
    lat0, lng0 = CENTRE
    centre = (lat0 + north_m / 111_195, lng0)
    with app.app_context():
        insert_stations(generate_stations(3000, seed=9, around=CENTRE, spread_m=700,
                                          org_ids=org_id(app, "JS"), code_prefix="CROWD"))
        db.session.commit()
        result = search.nearby(*centre, 3000, limit=10)
        rows = db.session.execute(select(Station.id, Station.lat_e6, Station.lng_e6)
                                  .where(Station.searchable.is_(True))).all()
    true_nearest = sorted((haversine_m(*centre, a / 1e6, b / 1e6), i) for i, a, b in rows)[:10]
    assert [item["id"] for item in result.items] == [i for _, i in true_nearest]
    assert result.queries == 1
    assert result.rows <= 2 * 10 + search.NEAREST_MARGIN
    if north_m < 200:  # the ring lies inside the crowd
        assert result.candidates > 500


def test_nearest_rows_that_do_not_settle_the_answer_mean_the_ring_is_read_whole(
        app, add_station):
    closed = {"weekly": {"mon": [["08:00", "18:00"]]}}
    lat0, lng0 = CENTRE
    for i in range(40):
        add_station(f"关门{i}", lat0 + (20 + i) / 111_195, lng0, hours=closed)
    open_ids = [add_station(f"开着{i}", lat0 - (200 + i) / 111_195, lng0) for i in range(3)]
    with app.app_context():
        result = search.nearby(*CENTRE, 3000, limit=3, open_now=True,
                               at=shanghai(2026, 11, 23, 23, 0))
    assert [item["id"] for item in result.items] == open_ids
    assert result.radii == [250] and result.queries == 2  # nearest rows first, then all
    assert result.rows == 3 * 2 + search.NEAREST_MARGIN + 43


def test_the_ring_query_reads_the_cell_index_only(app, many_stations):
    spans = cells_covering(*CENTRE, 3000)
    with app.app_context():
        plan = explain(search.ring_query(spans, *CENTRE, cap=search.MAX_FETCH, nearest=30))
        mysql = db.engine.dialect.name == "mysql"
    if mysql:
        tables = [(row["table"], row["key"], row["type"]) for row in plan]
        assert ("stations", INDEX, "range") in tables, plan
        assert all(row["table"] != "stations" or "Using index" in (row["Extra"] or "")
                   for row in plan), plan
    else:
        details = " | ".join(row["detail"] for row in plan)
        assert f"USING COVERING INDEX {INDEX}" in details, details
        assert "SCAN stations" not in details, details
