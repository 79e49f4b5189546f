"""Nearby search at 1,000,000 stations, and the naive full scan on the same data.

Each gunicorn worker answers from the stations it holds in memory (service/stations/index.py),
read again in the background after every change. After loading, the benchmark waits until
the workers are idle (done reading), warms them with a short run, then measures nearby search
alternating with /healthz from the same wrk script (the same random query strings), so both
see the same moments of this shared machine; the ratio is that of the two means.
"""

import requests
from sqlalchemy import func, select

from bench.data import ensure_orgs
from bench.env import peak_rss_kib
from bench.progress import step
from bench.report import Row, target
from bench.stations import (
    BOX,
    LIMIT,
    RADIUS_M,
    compare_with_naive,
    copy_staged,
    load_stations,
    nearby_total,
    sample_points,
)
from bench.wrk import combined, run_wrk
from service.extensions import db
from service.models.stations import Station

NOTE = """\
- **nearby search**: `GET /api/v1/stations/nearby?radius=3000&limit=20` from random points
  of central Zhengzhou, the data set's national stations (and what the station import added)
  topped up to 1,000,000 with synthetic stations clustered on its districts
  (`service.demo.stations.generate_stations`), made once with the data set into a table of
  their own (`bench_nearby_stations`, cached with it) and copied in by one `INSERT ...
  SELECT` per 100,000 (the time is the step "copying ... stations" in the output; the
  station import before reads the national stations alone). Samples check that answers are
  non-empty and sorted by distance. The naive comparison runs in the benchmark process on
  the same database: the query one writes first (haversine in SQL over every public station,
  `ORDER BY` distance, `LIMIT 20`) against `service.stations.search.nearby`, median times
  over the same points, both answers turned into the same items and compared. Each gunicorn
  worker answers from the stations it holds in memory (`service/stations/index.py`) and
  reads them all again in the background after a change, so after loading the benchmark
  waits until the workers are idle (the time is in the checks) and warms them with a short
  run. Its ratio to `/healthz` is not that of the baseline row: three rounds of `/healthz`
  then nearby search, 3 s each (over 5,000 answers each), from the same wrk script (the same
  random query strings), so both meet the same moments of this shared machine; the ratio is
  that of the means (each round's in the checks), the p99 ratio that of the worst rounds.
  `/healthz` touches nothing; a warm nearby answer parses its arguments, measures the
  stations in the strips its circle crosses and writes 20 items, in the same Python workers,
  which share the two cores with wrk.
"""

PATH = "/api/v1/stations/nearby"
QUERY = f"radius={RADIUS_M}&limit={LIMIT}"
SAMPLES = 20
ROUNDS = 3  # /healthz, then nearby search, three times
ROUND_S = 3  # thousands of answers each, as the station import's rounds


def _samples(env) -> tuple[int, int]:
    """Answers to SAMPLES random points: (non-empty ones, ones sorted by distance)."""
    filled = ordered = 0
    for lat, lng in sample_points(SAMPLES, seed=17):
        answer = requests.get(f"{env.url}{PATH}?lat={lat:.6f}&lng={lng:.6f}&{QUERY}",
                              timeout=30)
        items = answer.json()["items"] if answer.status_code == 200 else []
        distances = [item["distance_m"] for item in items]
        filled += bool(distances)
        ordered += distances == sorted(distances)
    return filled, ordered


def _wrk(env, seconds: int, path: str = PATH):
    return run_wrk(env.url + path, "nearby.lua", seconds=seconds, env={
        "NEARBY_BOX": ",".join(str(v) for v in BOX), "NEARBY_QUERY": QUERY, "NEARBY_PATH": path})


def _measure(env, total: int, seconds: int, naive_points: int) -> Row:
    with step(f"nearby search at {total:,} stations: workers reading the stations"):
        reading_s = env.wait_for_idle_workers()
    per_round = ROUND_S
    with step(f"nearby search at {total:,} stations: warm-up, wrk for {per_round} s"):
        _wrk(env, per_round)
    healthz, nearby = [], []
    with step(f"nearby search at {total:,} stations: {ROUNDS} rounds of /healthz and nearby, "
              f"wrk for {per_round} s each"):
        for _ in range(ROUNDS):
            healthz.append(_wrk(env, per_round, "/healthz"))
            nearby.append(_wrk(env, per_round))
    baseline, result = combined(healthz), combined(nearby)
    rss_mib = max(peak_rss_kib(pid) for pid in env.worker_pids()) / 1024
    filled, ordered = _samples(env)
    with step(f"naive full scan vs the indexed search at {naive_points} points, in-process"):
        with env.app.app_context():
            naive = compare_with_naive(sample_points(naive_points, seed=23))
    all_ok = (result.statuses.get(200, 0) == result.answered
              and baseline.statuses.get(200, 0) == baseline.answered)
    ratio = result.requests_per_s / baseline.requests_per_s
    rounds = ", ".join(f"{n.requests_per_s / h.requests_per_s:.2f}"
                       for h, n in zip(healthz, nearby, strict=True))
    checks = (f"/healthz alternated with it: {baseline.requests_per_s:.0f} req/s, p99 "
              f"{baseline.p99_ms:.0f} ms; ratio per round {rounds}; p99 "
              f"{result.p99_ms / baseline.p99_ms:.1f}x that of /healthz; "
              f"{result.answered} answered, all 200: {all_ok}; workers read "
              f"the stations within {reading_s:.0f} s of the load; worker peak RSS "
              f"{rss_mib:.0f} MiB; {filled}/{SAMPLES} samples "
              f"non-empty, {ordered}/{SAMPLES} sorted by distance; naive full-scan SQL "
              f"{naive['naive_ms']:.0f} ms vs indexed search {naive['indexed_ms']:.1f} ms "
              f"(median, same points and session, same answers {naive['same']}/"
              f"{naive['points']}): {naive['speedup']:.0f}x")
    targets = []
    if total >= 1_000_000:
        targets = [target("nearby search at 1M stations, throughput at least 0.5x /healthz",
                          ratio >= 0.5, f"{ratio:.2f}x"),
                   target("nearby search at 1M stations, at least 50x the naive full scan",
                          naive["speedup"] >= 50, f"{naive['speedup']:.0f}x")]
    return Row(f"nearby search, {total:,} stations", result.requests_per_s, ratio,
               result.p50_ms, result.p99_ms, checks, targets)


def nearby_search(env, baseline, *, quick, seconds):
    """At 1,000,000 stations (100,000 with `quick`): the data set's, topped up with
    stations clustered on central Zhengzhou."""
    size = nearby_total(quick)
    with env.app.app_context():
        ensure_orgs()
        present = db.session.scalar(select(func.count(Station.id)))
    missing = max(0, size - present)
    with step(f"copying {missing:,} stations made with the data set (to {size:,})"), \
            env.app.app_context():
        copied = copy_staged(missing)
        # more than the data set made (an import that closed stations): made here
        total = load_stations(env.settings, missing - copied, 2000)
    yield _measure(env, total, seconds, naive_points=3 if quick else 7)
