"""Stations for the nearby benchmark: bulk loading, and the naive full scan to compare with."""

import random
import statistics
import time

from sqlalchemy import Column, Integer, MetaData, Table, func, insert, literal, select, text

from bench.parallel import in_processes
from service.core import clock
from service.demo.stations import generate_stations, insert_stations
from service.domain.geo import EARTH_RADIUS_M, tile_col, tile_key
from service.extensions import db
from service.models import revisions
from service.models.orgs import Org
from service.models.stations import Station
from service.stations import search

CHUNK = 50_000  # rows per job (one commit each)


def nearby_total(quick: bool) -> int:
    """The stations nearby search runs at."""
    return 100_000 if quick else 1_000_000
# Central Zhengzhou (min lat, min lng, max lat, max lng): where the demo districts cluster.
BOX = (34.70, 113.55, 34.85, 113.80)
RADIUS_M, LIMIT = 3000, 20
DETAIL_COLUMNS = (Station.id, Station.kind, Station.name, Station.address, Station.lat_e6,
                  Station.lng_e6, Station.services_mask, Station.hours, Station.phone,
                  Station.is_model)


def load_chunk(count: int, seed: int) -> int:
    """`count` synthetic stations over the demo districts, all of one seed."""
    org_ids = dict(db.session.execute(select(Org.code, Org.id)).all())
    return insert_stations(generate_stations(count, seed, org_ids=org_ids,
                                             code_prefix=f"BENCH-{seed}"), batch=5000)


# The nearby search's synthetic stations, made once with the data set (its step "the
# nearby search's stations", bench/dataset.py) into a table of their own, and copied into
# the stations when the scenario needs them (after the station import, which reads the
# national stations alone): the same rows load_stations makes, without making them again.
STAGED = Table("bench_nearby_stations", MetaData(), Column("id", Integer, primary_key=True,
                                                           autoincrement=False),
               *(Column(c.name, c.type) for c in Station.__table__.columns
                 if c.name not in ("id", "created_at", "updated_at")))
COPIED = [c.name for c in STAGED.columns if c.name != "id"]


def stage_chunk(count: int, seed: int, first_id: int) -> int:
    """`count` synthetic stations of one seed (as load_chunk makes them) into STAGED, with
    the ids from `first_id` on: the order they are copied in."""
    org_ids = dict(db.session.execute(select(Org.code, Org.id)).all())
    rows = generate_stations(count, seed, org_ids=org_ids, code_prefix=f"BENCH-{seed}")
    staged = [{"id": first_id + n, **row} for n, row in enumerate(rows)]
    for start in range(0, len(staged), 5000):
        db.session.execute(insert(STAGED), staged[start:start + 5000])
    return count


def staged_count() -> int:
    """The staged stations (their ids run from 1)."""
    STAGED.create(db.session.connection(), checkfirst=True)
    return db.session.scalar(select(func.coalesce(func.max(STAGED.c.id), 0)))


def stage_stations(settings: dict | None, count: int, seed: int = 1000) -> int:
    """STAGED holding `count` stations in chunks (a seed each, from `seed` on, as
    load_stations makes them), made in worker processes when `settings` are given; only
    what is missing is made. The staged stations."""
    staged = staged_count()
    db.session.commit()
    if staged >= count:
        return staged
    jobs = [(min(CHUNK, count - start), seed + start // CHUNK, start + 1)
            for start in range(staged - staged % CHUNK, count, CHUNK)]
    if staged % CHUNK:  # a chunk left half made: made again whole
        db.session.execute(STAGED.delete().where(STAGED.c.id >= jobs[0][2]))
        db.session.commit()
    if settings is None:
        for job in jobs:
            stage_chunk(*job)
    elif jobs:
        in_processes(settings, stage_chunk, jobs)
    db.session.commit()
    return staged_count()


def stage_for_nearby(settings: dict | None, quick: bool) -> int:
    """The data set's step: what the nearby scenario adds to the stations there (the
    national ones) to reach its total, staged; copied in when it runs (after the import)."""
    present = db.session.scalar(select(func.count(Station.id)))
    return stage_stations(settings, nearby_total(quick) - present)


def copy_staged(count: int) -> int:
    """The first `count` staged stations copied into the stations (timestamped now), the
    stations revision bumped with their tiles, as insert_stations does; how many."""
    copied = min(count, staged_count())
    if not copied:
        return 0
    after = db.session.scalar(select(func.coalesce(func.max(Station.id), 0)))
    now = clock.now()
    for start in range(0, copied, 100_000):
        db.session.execute(insert(Station).from_select(
            [*COPIED, "created_at", "updated_at"],
            select(*(STAGED.c[name] for name in COPIED), literal(now), literal(now))
            .where(STAGED.c.id > start, STAGED.c.id <= min(copied, start + 100_000))
            .order_by(STAGED.c.id)))
    tiles = db.session.scalars(select(tile_key(Station.cell_row, tile_col(Station.lng_e6)))
                               .where(Station.id > after).distinct())
    revisions.bump(revisions.STATIONS, parts={int(tile) for tile in tiles})
    db.session.commit()
    return copied


def load_stations(settings: dict, count: int, seed: int) -> int:
    """`count` more stations in chunks (a seed each, from `seed` on); the table's total."""
    jobs = [(min(CHUNK, count - start), seed + start // CHUNK)
            for start in range(0, count, CHUNK)]
    in_processes(settings, load_chunk, jobs)
    db.session.execute(text("ANALYZE TABLE stations"))
    db.session.commit()
    return db.session.scalar(select(func.count(Station.id)))


def sample_points(count: int, seed: int) -> list[tuple[float, float]]:
    """Random (lat, lng) points of BOX, as lua/nearby.lua draws them."""
    rng = random.Random(seed)
    return [(rng.uniform(BOX[0], BOX[2]), rng.uniform(BOX[1], BOX[3])) for _ in range(count)]


def naive_nearby(lat: float, lng: float, radius_m: int = RADIUS_M,
                 limit: int = LIMIT) -> list[dict]:
    """The query written first: haversine in SQL for every public station, sorted, LIMIT."""
    p1, p2 = func.radians(lat), func.radians(Station.lat_e6 / 1e6)
    dl = func.radians(Station.lng_e6 / 1e6 - lng)
    h = (func.pow(func.sin((p2 - p1) / 2), 2)
         + func.cos(p1) * func.cos(p2) * func.pow(func.sin(dl / 2), 2))
    distance = (2 * EARTH_RADIUS_M * func.asin(func.sqrt(h))).label("distance")
    rows = db.session.execute(
        select(*DETAIL_COLUMNS, distance)
        .where(Station.searchable.is_(True), distance <= radius_m)
        .order_by(distance).limit(limit)).all()
    at = clock.now()
    return [search.describe(row, at, row.distance) for row in rows]


def indexed_nearby(lat: float, lng: float) -> list[dict]:
    """What GET /stations/nearby answers for the benchmark's query."""
    return search.nearby_items(search.nearby(lat, lng, RADIUS_M, limit=LIMIT))


def _timed(function, *args) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    items = function(*args)
    return time.perf_counter() - started, items


def compare_with_naive(points: list[tuple[float, float]], repeat: int = 5) -> dict:
    """Median time of the naive scan and of `search.nearby` on the same points, same session.

    Both return the same item dicts; `same` counts the points where the two lists of
    distances agree (ties may order differently, distances may not).
    """
    naive_nearby(*points[0])  # both start with the table in the buffer pool
    indexed_nearby(*points[0])
    naive_times, indexed_times, same = [], [], 0
    for lat, lng in points:
        elapsed, naive_items = _timed(naive_nearby, lat, lng)
        naive_times.append(elapsed)
        for _ in range(repeat):
            elapsed, indexed = _timed(indexed_nearby, lat, lng)
            indexed_times.append(elapsed)
        same += ([item["distance_m"] for item in naive_items]
                 == [item["distance_m"] for item in indexed])
    naive_s, indexed_s = statistics.median(naive_times), statistics.median(indexed_times)
    return {"naive_ms": naive_s * 1000, "indexed_ms": indexed_s * 1000,
            "speedup": naive_s / indexed_s, "same": same, "points": len(points)}
