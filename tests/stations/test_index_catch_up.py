"""After a change the station index reads again the tiles it touched (16 unknown or dense
ones per statement, a few hundred sparse ones), with work proportional to those tiles: a
country-wide import (one tile per station) must not cost the workers minutes of sorting.
Counted, not timed: every operation on a tile key, and the statements."""

import math

import pytest
from sqlalchemy import event, update

from service.demo.stations import generate_stations, insert_stations
from service.domain.geo import TILE_COLUMNS, tile_col, tile_key
from service.extensions import db
from service.models import revisions
from service.models.revisions import STATIONS, Revision
from service.models.stations import position_columns
from service.stations.index import StationIndex
from service.stations.tile_cache import StaleIndex
from tests.helpers import org_id
from tests.stations.helpers import shanghai

SPREAD = 60  # stations per row of the grid


class CountedKey(int):
    """A tile key counting every comparison, hash and arithmetic done with it."""

    operations = 0


def _counting(name):
    base = getattr(int, name)

    def operation(self, *args):
        CountedKey.operations += 1
        return base(self, *args)

    return operation


for _name in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__", "__hash__",
              "__floordiv__", "__divmod__", "__mod__", "__add__", "__sub__", "__mul__",
              "__index__"):
    setattr(CountedKey, _name, _counting(_name))


def grid_point(n: int) -> tuple[float, float]:
    """The n-th station of a sparse grid over central China: one station per tile, tiles
    three apart, as country-wide data spreads."""
    return 25.005 + (n // SPREAD) * 0.03, 105.005 + (n % SPREAD) * 0.03


@pytest.fixture
def sparse_stations(app, demo_orgs):
    """1,200 stations, each alone in its tile; their tile keys in grid order."""
    rows = []
    for n, row in enumerate(generate_stations(1200, seed=3, org_ids=org_id(app, "JS"),
                                              code_prefix="SPARSE")):
        row.update(position_columns(*grid_point(n)), status="open", is_public=True,
                   kind="love_station", searchable=True)
        rows.append(row)
    with app.app_context():
        insert_stations(rows)
        db.session.commit()
    return [tile_key(row["cell_row"], tile_col(row["lng_e6"])) for row in rows]


def index_with_unread(app, keys) -> StationIndex:
    """The index of the current revision, every tile read but `keys`, which a change
    touched (as StationIndexes makes it: the successor of the one before)."""
    revision = revisions.current(STATIONS)
    db.session.rollback()
    before = StationIndex(revision)
    before.complete = True
    return before.successor(revision, {CountedKey(key) for key in keys})


def catch_up(app, keys) -> tuple[StationIndex, int]:
    """Read the unread `keys` of a fresh index; the operations done on tile keys."""
    index = index_with_unread(app, keys)
    CountedKey.operations = 0
    index.read_unread()
    return index, CountedKey.operations


def test_catching_up_costs_in_proportion_to_the_tiles_changed(app, sparse_stations):
    with app.app_context():
        small, small_work = catch_up(app, sparse_stations[:300])
        large, large_work = catch_up(app, sparse_stations)
        assert not small.unread and not large.unread
        assert large.loads == math.ceil(1200 / 16) and small.loads == math.ceil(300 / 16)
        assert sum(1 for tile in large.tiles.values() if tile) == 1200
        # Sorting the unread tiles again every 16 (the quadratic catch-up) costs ~115
        # operations a tile at 1,200 tiles and ~30 at 300, growing with the tiles changed.
        per_tile_small, per_tile_large = small_work / 300, large_work / 1200
        assert per_tile_large <= 1.5 * per_tile_small, (per_tile_small, per_tile_large)
        assert per_tile_large < 25, per_tile_large


def test_a_catch_up_takes_tiles_in_order_16_a_statement_and_lets_searches_in(
        app, sparse_stations):
    with app.app_context():
        index = index_with_unread(app, sparse_stations)
        wanted = sorted(sparse_stations)
        read_before = []

        def keep_going():
            assert not index._lock.locked()  # the lock is held for one statement at most
            done = len(wanted) - len(index.unread)
            assert index.unread == set(wanted[done:])  # the first ones in (row, col) order
            read_before.append(done)
            return True

        index.read_unread(keep_going=keep_going)
        assert read_before == list(range(0, 1200, 16))  # 16 a round, none read twice
        assert not index.unread


def test_a_catch_up_stopped_midway_resumes_where_it_stopped(app, sparse_stations):
    with app.app_context():
        index = index_with_unread(app, sparse_stations)
        rounds = iter(range(10))
        index.read_unread(keep_going=lambda: next(rounds, None) is not None)
        assert index.loads == 10 and len(index.unread) == 1200 - 160
        first_read = sorted(sparse_stations)[:160]
        assert all(index.tiles[key] for key in first_read)

        # a search reads some tiles out of order meanwhile
        lat, lng = grid_point(1000)
        hits = index.nearest(lat, lng, 100, at=shanghai(2026, 11, 23, 12))
        assert len(hits) == 1 and sparse_stations[1000] not in index.unread
        loads = index.loads

        index.read_unread()
        assert not index.unread
        assert index.loads - loads == math.ceil((1200 - 160 - 1) / 16)


def test_a_newer_change_adds_its_tiles_to_those_still_unread(app, sparse_stations):
    with app.app_context():
        first = index_with_unread(app, sparse_stations[:600])
        rounds = iter(range(20))
        first.read_unread(keep_going=lambda: next(rounds, None) is not None)
        left = set(first.unread)
        assert len(left) == 600 - 320
        second = first.successor(first.revision, set(sparse_stations[500:]))
        assert second.unread == left | set(sparse_stations[500:])
        second.read_unread()
        assert not second.unread
        assert second.loads == math.ceil(len(left | set(sparse_stations[500:])) / 16)
        assert sum(1 for tile in second.tiles.values() if tile) == 1200


def test_a_catch_up_at_a_stale_revision_reads_nothing_and_keeps_its_tiles_unread(
        app, sparse_stations):
    with app.app_context():
        index = index_with_unread(app, sparse_stations)
        db.session.execute(update(Revision).where(Revision.name == STATIONS)
                           .values(value=Revision.value + 1))
        db.session.commit()
        with pytest.raises(StaleIndex):
            index.read_unread()
        assert len(index.unread) == 1200 and index.loads == 0


def test_reading_whole_bands_clears_the_unread_tiles_in_them(app, sparse_stations):
    """An index still being read whole when a change came: its bands take the changed
    tiles along, empty ones too (a tile whose stations went away)."""
    with app.app_context():
        empty = [key + 1 for key in sparse_stations[:50]]  # the next tile east: no station
        revision = revisions.current(STATIONS)
        db.session.rollback()
        index = StationIndex(revision).successor(
            revision, {CountedKey(key) for key in sparse_stations + empty})
        assert not index.complete
        index.read_all(band_rows=7)
        assert index.complete and not index.unread
        assert sum(1 for tile in index.tiles.values() if tile) == 1200
        assert not any(index._lacks(divmod(key, TILE_COLUMNS)) for key in empty)


def test_a_change_to_sparse_tiles_read_before_costs_few_statements(app, sparse_stations):
    """Country-wide data: a tile holds a station or two, so one statement reads a few
    hundred of the tiles a change touched (16 would take 75 statements and round trips
    here, a thousand for a 10,000-row import); tiles never read count as dense."""
    with app.app_context():
        revision = revisions.current(STATIONS)
        db.session.rollback()
        before = StationIndex(revision)
        before.read_all()
        after = before.successor(revision, set(sparse_stations))
        statements = []

        def count(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            after.read_unread()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert not after.unread and after.loads == math.ceil(1200 / 256)
        assert len(statements) <= 2 * after.loads  # the revision, then the tiles
        assert sum(1 for tile in after.tiles.values() if tile) == 1200
