"""The scenarios, in the order they run; each yields rows for the table."""

import time

import requests

from bench.data import load_refund_applications
from bench.env import BenchEnv, peak_rss_kib, reset_peak_rss
from bench.report import Row
from bench.wrk import run_wrk
from service.demo import DEMO_PASSWORD
from service.demo.orgs import seed_orgs
from service.extensions import db


def staff_token(env: BenchEnv, username: str) -> str:
    answer = requests.post(env.url + "/api/v1/admin/auth/login", timeout=30,
                           json={"username": username, "password": DEMO_PASSWORD})
    answer.raise_for_status()
    return answer.json()["token"]


def _ensure_orgs(env: BenchEnv) -> None:
    with env.app.app_context():
        seed_orgs(DEMO_PASSWORD)
        db.session.commit()


def _peak_worker_rss_mib(env: BenchEnv) -> float:
    return max(peak_rss_kib(pid) for pid in env.worker_pids()) / 1024


def export_scenario(env, baseline, *, name, path, token, seconds) -> Row:
    """Repeated downloads of one export at low concurrency, with the workers' peak memory."""
    for pid in env.worker_pids():
        reset_peak_rss(pid)
    idle = _peak_worker_rss_mib(env)
    started = time.monotonic()
    first = requests.get(env.url + path, headers={"Authorization": f"Bearer {token}"},
                         timeout=600)
    single_s = time.monotonic() - started
    result = run_wrk(env.url + path, "get.lua", seconds=seconds, connections=2, threads=1,
                     timeout_s=120, headers={"Authorization": f"Bearer {token}"})
    peak = _peak_worker_rss_mib(env)
    ok = first.status_code == 200 and result.statuses.get(200, 0) == result.answered
    checks = (f"{len(first.content) / 1e6:.1f} MB xlsx in {single_s:.1f} s; all 200: {ok}; "
              f"worker peak RSS {peak:.0f} MiB (idle {idle:.0f} MiB)")
    return Row(name, result.requests_per_s, result.requests_per_s / baseline.requests_per_s,
               result.p50_ms, result.p99_ms, checks)


def refund_ledger_export(env, baseline, *, quick, seconds):
    _ensure_orgs(env)
    with env.app.app_context():
        total = load_refund_applications(5_000 if quick else 20_000)
    token = staff_token(env, "city_finance")
    yield export_scenario(env, baseline, name=f"refund ledger export ({total} rows)",
                          path="/api/v1/admin/refunds/export", token=token, seconds=seconds)


ALL = [refund_ledger_export]
