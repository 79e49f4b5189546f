"""Stations for the nearby benchmark: bulk loading, and the naive full scan to compare with."""

import random
import statistics
import time

from sqlalchemy import func, select, text

from bench.parallel import in_processes
from service.core import clock
from service.demo.stations import generate_stations, insert_stations
from service.domain.geo import EARTH_RADIUS_M
from service.extensions import db
from service.models.orgs import Org
from service.models.stations import Station
from service.stations import search

CHUNK = 50_000  # rows per job (one commit each)
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
