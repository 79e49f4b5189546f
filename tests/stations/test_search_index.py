"""Nearby search reads tiles through the (cell_row, lng_e6) index into memory and answers
exactly from them; the viewport reads the same index. On SQLite and MariaDB alike."""

import random
import threading
import time

import pytest
from sqlalchemy import event, func, select, text, update

from service.demo.stations import generate_stations, insert_stations
from service.domain.geo import cell_row, haversine_m, search_box, tile_col, tile_key, to_e6
from service.extensions import db
from service.models.revisions import STATIONS, Revision, RevisionPart
from service.models.stations import SERVICE_BITS, Station
from service.stations import search, tile_sql, warmup
from service.stations.tile_cache import StaleIndex
from service.stations.tiles import tiles_in
from tests.helpers import explain, org_id
from tests.stations.helpers import CENTRE, shanghai

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


def assert_uses_cell_index(plan: list[dict], *, covering: bool = True) -> None:
    if db.engine.dialect.name == "mysql":
        assert [(row["table"], row["key"], row["type"]) for row in plan] == [
            ("stations", INDEX, "range")], plan
        if covering:
            assert "Using index" in (plan[0]["Extra"] or ""), plan  # no row reads
    else:
        details = " | ".join(row["detail"] for row in plan)
        assert f"USING {'COVERING ' if covering else ''}INDEX {INDEX}" in details, details
        assert "SCAN stations" not in details, details


def tiles_of(radius: float) -> list[tuple[int, int]]:
    return tiles_in(search_box(*CENTRE, radius))


@pytest.mark.parametrize("radius", [250, 3000, 50_000])
def test_tiles_are_read_by_ranges_of_the_cell_index(app, many_stations, radius):
    with app.app_context():
        assert_uses_cell_index(explain(tile_sql.tiles_query(tiles_of(radius))), covering=False)


def test_viewport_count_and_candidates_use_the_cell_index(app, many_stations):
    box = search.box_clause(113.60, 34.72, 113.66, 34.77)
    with app.app_context():
        assert_uses_cell_index(explain(
            select(func.count()).select_from(Station).where(box, *search.public_filters())))
        assert_uses_cell_index(explain(
            select(Station.id, Station.lat_e6, Station.lng_e6)
            .where(box, *search.public_filters(["mother_baby_room"]))))


def public_rows():
    return db.session.execute(select(Station.id, Station.lat_e6, Station.lng_e6, Station.kind,
                                     Station.services_mask)
                              .where(Station.searchable.is_(True))).all()


def brute_force(rows, centre, radius, limit, kinds=(), mask=0) -> list[int]:
    """The answer by the definition: every public station, sorted by distance."""
    hits = sorted((haversine_m(*centre, row.lat_e6 / 1e6, row.lng_e6 / 1e6), row.id)
                  for row in rows
                  if (not kinds or row.kind in kinds) and row.services_mask & mask == mask)
    return [station_id for distance, station_id in hits if distance <= radius][:limit]


def ids(hits) -> list[int]:
    return [hit.entry.id for hit in hits]


def test_random_searches_equal_the_brute_force_answer(app, many_stations, demo_orgs):
    """Points inside and outside the crowd, on tile and strip edges, with filters."""
    with app.app_context():
        insert_stations(generate_stations(3000, seed=9, around=CENTRE, spread_m=700,
                                          org_ids=org_id(app, "JS"), code_prefix="CROWD"))
        db.session.commit()
        rows = public_rows()
        rnd = random.Random(11)
        kinds_choices = [(), ("love_station",), ("rider_home", "mother_baby_room")]
        for n in range(60):
            lat = CENTRE[0] + rnd.uniform(-0.05, 0.05)
            lng = CENTRE[1] + rnd.uniform(-0.05, 0.05)
            if n % 3 == 0:  # on a tile edge, or a strip edge
                lat = round(lat, 2 if n % 2 else 3)
            kinds = rnd.choice(kinds_choices)
            mask = rnd.choice([0, SERVICE_BITS["water"],
                               SERVICE_BITS["water"] | SERVICE_BITS["charging"]])
            radius, limit = rnd.choice([100, 800, 3000, 50_000]), rnd.choice([1, 5, 20, 100])
            hits = search.nearby(lat, lng, radius, kinds=kinds, mask=mask, limit=limit)
            assert ids(hits) == brute_force(rows, (lat, lng), radius, limit, kinds, mask), (
                lat, lng, radius, limit, kinds, mask)


def test_a_search_reads_the_tiles_near_its_answer_once(app, many_stations):
    with app.app_context():
        hits = search.nearby(*CENTRE, 50_000, limit=10)
        assert ids(hits) == brute_force(public_rows(), CENTRE, 50_000, 10)
        held = warmup.indexes().current
        # the first ring is sized by the centre tile's density: a few tiles, not 50 km of them
        assert held.loads <= 2 and len(held.tiles) <= 16
        search.nearby(*CENTRE, 50_000, limit=10)
        assert held.loads <= 2  # the second search reads nothing new


def test_a_rare_filter_widens_the_ring_until_found(app, many_stations, add_station):
    far = add_station("远处的电池柜", CENTRE[0] + 0.3, CENTRE[1],
                      services=["battery_swap", "nursing", "locker", "umbrella"])
    with app.app_context():
        mask = sum(SERVICE_BITS[code] for code in ("battery_swap", "nursing", "locker",
                                                    "umbrella"))
        assert ids(search.nearby(*CENTRE, 50_000, mask=mask, limit=1)) == [far]
        assert warmup.indexes().current.loads <= 5  # one statement per ring, whatever its size


def test_open_now_passes_over_closed_stations(app, add_station):
    closed = {"weekly": {"mon": [["08:00", "18:00"]]}}
    lat0, lng0 = CENTRE
    for i in range(40):
        add_station(f"关门{i}", lat0 + (20 + i) / 111_195, lng0, hours=closed)
    open_ids = [add_station(f"开着{i}", lat0 - (200 + i) / 111_195, lng0) for i in range(3)]
    with app.app_context():
        hits = search.nearby(*CENTRE, 3000, limit=3, open_now=True,
                             at=shanghai(2026, 11, 23, 23, 0))
        assert ids(hits) == open_ids
        hits = search.nearby(*CENTRE, 3000, limit=3, at=shanghai(2026, 11, 23, 23, 0))
        assert [hit.open_now for hit in hits] == [False] * 3


def count_statements(app):
    """The statements this thread sends from now on."""
    statements, thread = [], threading.current_thread()

    def record(conn, cursor, statement, *args):
        if threading.current_thread() is thread:
            statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
    return statements


def test_searches_answer_from_memory_until_the_revision_moves(app, client, add_station):
    first = add_station("第一个", CENTRE[0] + 0.0005, CENTRE[1])
    app.config["STATION_INDEX_CHECK_SECONDS"] = 3600  # as if a second had not yet passed
    url = f"/api/v1/stations/nearby?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=3000"
    assert [item["id"] for item in client.get(url).json["items"]] == [first]
    statements = count_statements(app)
    assert [item["id"] for item in client.get(url).json["items"]] == [first]
    assert statements == []  # answered from memory: no SQL at all

    second = add_station("第二个", CENTRE[0] + 0.0001, CENTRE[1])
    assert [item["id"] for item in client.get(url).json["items"]] == [first]  # not yet seen
    with app.app_context():
        warmup.indexes().check_seconds = 0  # the second has passed
    assert [item["id"] for item in client.get(url).json["items"]] == [second, first]


def test_every_kind_of_write_reaches_the_search(app, client, add_station, demo_orgs):
    url = f"/api/v1/stations/nearby?lat={CENTRE[0]}&lng={CENTRE[1]}&radius=3000&limit=100"

    def found():
        return {item["name"] for item in client.get(url).json["items"]}

    station_id = add_station("新建的", CENTRE[0] + 0.0003, CENTRE[1])
    assert found() == {"新建的"}
    with app.app_context():
        station = db.session.get(Station, station_id)
        station.name = "改了名"
        db.session.commit()
    assert found() == {"改了名"}
    with app.app_context():
        insert_stations(generate_stations(5, seed=3, around=CENTRE, spread_m=500,
                                          org_ids=org_id(app, "JS"), code_prefix="BULK"))
        db.session.commit()
    assert len(found()) == 6
    with app.app_context():
        station = db.session.get(Station, station_id)
        station.status = "closed"
        station.refresh_search_columns()
        db.session.commit()
    assert "改了名" not in found() and len(found()) == 5


def test_a_tile_read_in_an_older_snapshot_is_not_kept(app, add_station):
    """A search whose transaction began before a change fills an index of its own."""
    add_station("旧的", CENTRE[0] + 0.0005, CENTRE[1])
    with app.app_context():
        held = warmup.indexes()
        search.nearby(*CENTRE, 100, limit=5)
        newest = held.current
        older = held.at(newest.revision - 1)
        assert older is not newest and held.current is newest
        with pytest.raises(StaleIndex):
            older.nearest(*CENTRE, 100, at=shanghai(2026, 11, 23, 12))
        db.session.execute(update(Revision).where(Revision.name == STATIONS)
                           .values(value=Revision.value + 1))
        db.session.commit()
        search.nearby(*CENTRE, 100, limit=5)
        assert held.current.revision == newest.revision + 1


def test_a_tile_longer_than_the_aggregate_allows_is_read_row_by_row(app, demo_orgs):
    statements = count_statements(app)
    with app.app_context():
        insert_stations(generate_stations(400, seed=4, around=CENTRE, spread_m=300,
                                          org_ids=org_id(app, "JS"), code_prefix="LONG"))
        db.session.commit()
        mysql = db.engine.dialect.name == "mysql"  # SQLite's group_concat has no such limit
        if mysql:
            db.session.execute(text("SET SESSION group_concat_max_len = 4096"))
        try:
            hits = search.nearby(*CENTRE, 3000, limit=100)
        finally:
            if mysql:  # the connection goes back to the pool
                db.session.execute(text("SET SESSION group_concat_max_len = 8388608"))
        assert ids(hits) == brute_force(public_rows(), CENTRE, 3000, 100)
    row_by_row = [sql for sql in statements
                  if "json_object" in sql.lower() and "group_concat" not in sql.lower()]
    assert bool(row_by_row) == mysql


def test_an_index_read_whole_answers_everywhere_without_sql(app, many_stations):
    """read_all reads every tile, empty ones included: no search reads anything after it."""
    with app.app_context():
        held = warmup.indexes().for_request()
        warmup.indexes().check_seconds = 3600  # no look at the revision either
        held.read_all(band_rows=3)
        assert held.complete and len(held) == db.session.scalar(
            select(func.count()).select_from(Station).where(Station.searchable.is_(True)))
        rows = public_rows()
        statements = count_statements(app)
        rnd = random.Random(5)
        for lat, lng in [CENTRE, ELSEWHERE["BJ"], (CENTRE[0] + 0.4, CENTRE[1] - 0.4)]:
            for _ in range(5):
                point = (lat + rnd.uniform(-0.1, 0.1), lng + rnd.uniform(-0.1, 0.1))
                radius = rnd.choice([300, 3000, 50_000])
                hits = search.nearby(*point, radius, limit=20)
                assert ids(hits) == brute_force(rows, point, radius, 20)
        assert statements == []


def test_a_server_process_keeps_its_index_warm(app, add_station):
    """The background thread (STATION_INDEX_WARM) reads the whole index, then after each
    change the tiles it touched."""
    first = add_station("先有的", CENTRE[0] + 0.0005, CENTRE[1])
    app.config["STATION_INDEX_WARM"] = True
    with app.app_context():
        held = warmup.indexes()
    warmup.warm(app)
    try:
        def warm_at_least(revision):
            deadline = time.monotonic() + 20
            while not (held.current.revision >= revision and held.current.complete
                       and not held.current.unread):
                assert time.monotonic() < deadline, "the index was not read in time"
                time.sleep(0.05)
            return held.current

        with app.app_context():
            revision = db.session.scalar(select(Revision.value).where(Revision.name == STATIONS))
        warm = warm_at_least(revision)
        second = add_station("后来的", CENTRE[0] + 0.0001, CENTRE[1])
        warmer = warm_at_least(warm.revision + 1)
        assert warmer is not warm
        assert warmer.loads == 1  # the tile that changed, not every tile again
        statements = count_statements(app)
        with app.app_context():
            hits = warmer.nearest(*CENTRE, 3000, at=shanghai(2026, 11, 23, 12))
        assert ids(hits) == [second, first] and statements == []
    finally:
        held.stop_warming()
    assert not held._warmer.is_alive()


def tile_of(lat: float, lng: float) -> int:
    return tile_key(cell_row(lat), tile_col(round(lng * 1e6)))


def test_a_change_drops_only_the_tiles_it_touched(app, add_station):
    near = add_station("近处", CENTRE[0] + 0.0005, CENTRE[1])
    away_point = (CENTRE[0] + 0.05, CENTRE[1] + 0.05)
    away = add_station("远处", *away_point)
    with app.app_context():
        assert ids(search.nearby(*CENTRE, 100)) == [near]
        assert ids(search.nearby(*away_point, 100)) == [away]
        before = warmup.indexes().current
        kept = before.tiles[tile_of(*away_point)]

        station = db.session.get(Station, near)
        station.name = "改名了"
        db.session.commit()
        statements = count_statements(app)
        assert ids(search.nearby(*away_point, 100)) == [away]
        after = warmup.indexes().current
        assert after.revision == before.revision + 1
        assert after.tiles[tile_of(*away_point)] is kept  # not read again
        assert not any("stations" in sql for sql in statements)  # only the revision log
        assert tile_of(*CENTRE) in after.unread
        assert search.nearby_items(search.nearby(*CENTRE, 100))[0]["name"] == "改名了"
        assert tile_of(*CENTRE) not in after.unread

        # moved to another tile: both tiles are read again
        station = db.session.get(Station, near)
        station.lat_e6, station.cell_row = to_e6(CENTRE[0] + 0.03), cell_row(CENTRE[0] + 0.03)
        db.session.commit()
        assert ids(search.nearby(*CENTRE, 100)) == []
        assert ids(search.nearby(CENTRE[0] + 0.03, CENTRE[1], 100)) == [near]
        assert warmup.indexes().current.tiles[tile_of(*away_point)] is kept


def test_writes_log_the_tiles_they_touch(app, add_station, demo_orgs):
    def logged(revision):
        return set(db.session.scalars(select(RevisionPart.part)
                                      .where(RevisionPart.revision == revision)))

    with app.app_context():
        rows = list(generate_stations(40, seed=5, around=CENTRE, spread_m=3000,
                                      org_ids=org_id(app, "JS"), code_prefix="LOG"))
        insert_stations(rows)
        db.session.commit()
        revision = db.session.scalar(select(Revision.value).where(Revision.name == STATIONS))
        assert logged(revision) == {tile_key(row["cell_row"], tile_col(row["lng_e6"]))
                                    for row in rows}
    station_id = add_station("新的", CENTRE[0] + 0.0123, CENTRE[1] + 0.0456)
    with app.app_context():
        revision = db.session.scalar(select(Revision.value).where(Revision.name == STATIONS))
        assert logged(revision) == {tile_of(CENTRE[0] + 0.0123, CENTRE[1] + 0.0456)}
        db.session.delete(db.session.get(Station, station_id))
        db.session.commit()
        assert logged(revision + 1) == {tile_of(CENTRE[0] + 0.0123, CENTRE[1] + 0.0456)}


def test_a_revision_that_logged_no_tiles_drops_the_whole_index(app, add_station):
    add_station("一个", CENTRE[0] + 0.0005, CENTRE[1])
    with app.app_context():
        search.nearby(*CENTRE, 100)
        before = warmup.indexes().current
        assert before.tiles
        db.session.execute(update(Revision).where(Revision.name == STATIONS)
                           .values(value=Revision.value + 1))  # a writer that logs nothing
        db.session.commit()
        search.nearby(CENTRE[0] + 0.5, CENTRE[1], 100)
        after = warmup.indexes().current
        assert after.revision == before.revision + 1
        assert tile_of(*CENTRE) not in after.tiles and not after.unread
