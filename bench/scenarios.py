"""The scenarios, in the order they run (cheap ones first); each yields rows for the table."""

import math
import time

import requests

from bench.data import ensure_orgs, load_refund_applications
from bench.env import BenchEnv, peak_rss_kib, reset_peak_rss
from bench.nearby import nearby_search
from bench.people import load_members
from bench.progress import step
from bench.report import Row
from bench.signup import collective_signup
from bench.staff_lists import staff_lists
from bench.station_import import station_import
from bench.wrk import WrkResult, run_wrk
from service.demo import DEMO_PASSWORD


def staff_token(env: BenchEnv, username: str) -> str:
    answer = requests.post(env.url + "/api/v1/admin/auth/login", timeout=30,
                           json={"username": username, "password": DEMO_PASSWORD})
    answer.raise_for_status()
    return answer.json()["token"]


def _peak_worker_rss_mib(env: BenchEnv) -> float:
    return max(peak_rss_kib(pid) for pid in env.worker_pids()) / 1024


def export_scenario(env, baseline, *, name, path, token, seconds) -> Row:
    """Repeated downloads of one export at low concurrency, with the workers' peak memory.

    wrk runs at least two and a half single downloads long: two at once take about twice as
    long as one on two cores. Should none finish in time, the single download gives the figures.
    """
    for pid in env.worker_pids():
        reset_peak_rss(pid)
    idle = _peak_worker_rss_mib(env)
    with step(f"{name}: one download"):
        started = time.monotonic()
        first = requests.get(env.url + path, headers={"Authorization": f"Bearer {token}"},
                             timeout=600)
        single_s = time.monotonic() - started
    duration = max(seconds, math.ceil(2.5 * single_s))
    with step(f"{name}: wrk for {duration} s at 2 connections"):
        try:
            result = run_wrk(env.url + path, "get.lua", seconds=duration, connections=2,
                             threads=1, timeout_s=120,
                             headers={"Authorization": f"Bearer {token}"})
        except RuntimeError:  # wrk measured nothing
            result = WrkResult(0, 0, 0)
    note = ""
    if not result.answered:
        result = WrkResult(1 / single_s, single_s * 1000, single_s * 1000, {200: 1})
        note = f"; no download finished within wrk's {duration} s: figures of the single one"
    peak = _peak_worker_rss_mib(env)
    ok = first.status_code == 200 and result.statuses.get(200, 0) == result.answered
    checks = (f"{len(first.content) / 1e6:.1f} MB xlsx in {single_s:.1f} s; "
              f"{result.answered} downloads, all 200: {ok}; "
              f"worker peak RSS {peak:.0f} MiB (idle {idle:.0f} MiB){note}")
    return Row(name, result.requests_per_s, result.requests_per_s / baseline.requests_per_s,
               result.p50_ms, result.p99_ms, checks)


def refund_ledger_export(env, baseline, *, quick, seconds):
    count = 5_000 if quick else 20_000
    with step(f"loading {count:,} refund applications"), env.app.app_context():
        ensure_orgs()
        total = load_refund_applications(count)
    token = staff_token(env, "city_finance")
    yield export_scenario(env, baseline, name=f"refund ledger export ({total:,} rows)",
                          path="/api/v1/admin/refunds/export", token=token, seconds=seconds)


def member_export(env, baseline, *, quick, seconds):
    count = 20_000 if quick else 100_000
    with step(f"loading {count:,} members"), env.app.app_context():
        ensure_orgs()
        total = load_members(env.settings, count)
    token = staff_token(env, "city_admin")  # org_admin at the root: the whole roster
    yield export_scenario(env, baseline, name=f"member export ({total:,} rows)",
                          path="/api/v1/admin/members/export", token=token, seconds=seconds)


ALL = [refund_ledger_export, collective_signup, member_export, nearby_search, staff_lists,
       station_import]
