"""The nearby search's synthetic stations, staged once with the data set and copied in by
the scenario: the same rows load_stations makes, made only when missing, and the copy
telling the workers which map tiles changed, as any bulk insert does."""

import pytest
import sqlalchemy as sa

from bench import stations as bench_stations
from bench.stations import STAGED, copy_staged, stage_stations, staged_count
from service.demo.stations import generate_stations
from service.domain.geo import tile_col, tile_key
from service.extensions import db
from service.models import revisions
from service.models.orgs import Org
from service.models.stations import Station


@pytest.fixture(autouse=True)
def no_staged_table(app):  # a table of the benchmarks', outside the service's schema
    yield
    with app.app_context():
        STAGED.drop(db.engine, checkfirst=True)


def _expected(codes_per_seed: list[int]) -> list[dict]:
    org_ids = dict(db.session.execute(sa.select(Org.code, Org.id)).all())
    return [row for seed, count in enumerate(codes_per_seed, start=1000)
            for row in generate_stations(count, seed, org_ids=org_ids,
                                         code_prefix=f"BENCH-{seed}")]


def test_staged_stations_are_made_once_and_copied_in_with_their_tiles(
        app, demo_orgs, monkeypatch):
    monkeypatch.setattr(bench_stations, "CHUNK", 50)
    with app.app_context():
        assert stage_stations(None, 70) == 70  # a chunk of 50, one of 20
        assert stage_stations(None, 120) == 120  # the chunk of 20 made again whole
        assert stage_stations(None, 120) == 120 and staged_count() == 120  # nothing missing
        expected = _expected([50, 50, 20])
        staged = db.session.execute(sa.select(STAGED).order_by(STAGED.c.id)).mappings().all()
        assert [row["id"] for row in staged] == list(range(1, 121))
        assert [row["external_code"] for row in staged] == [
            row["external_code"] for row in expected]
        assert all(row["name"] == want["name"] and row["lat_e6"] == want["lat_e6"]
                   and row["hours"] == want["hours"] for row, want in zip(
                       staged, expected, strict=True))

        before = revisions.current(revisions.STATIONS)
        had = db.session.scalar(sa.select(sa.func.count(Station.id)))
        assert copy_staged(100) == 100
        copied = db.session.scalars(sa.select(Station).where(
            Station.external_code.like("BENCH-%")).order_by(Station.id)).all()
        assert [s.external_code for s in copied] == [
            row["external_code"] for row in expected[:100]]
        assert all(s.created_at is not None and s.searchable == want["searchable"]
                   and s.services_mask == want["services_mask"]
                   for s, want in zip(copied, expected, strict=False))
        assert db.session.scalar(sa.select(sa.func.count(Station.id))) == had + 100
        after = revisions.current(revisions.STATIONS)
        assert after == before + 1
        assert revisions.changed_parts(revisions.STATIONS, before, after) == {
            tile_key(s.cell_row, tile_col(s.lng_e6)) for s in copied}
        assert copy_staged(0) == 0 and revisions.current(revisions.STATIONS) == after
