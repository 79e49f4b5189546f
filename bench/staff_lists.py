"""Staff lists at city size, as the city root and as one district: p50/p99 single user,
each a ratio to /healthz of the same run, with a check of what the first page answers."""

from urllib.parse import urlencode

import requests

from bench.city import GRASSROOTS, MEMBERS, load_city
from bench.data import ensure_orgs
from bench.progress import step
from bench.report import Row, target
from bench.wrk import run_wrk

NOTE = """\
- **staff lists**: each list opened by one staff account of the city root and of one
  district over the city's 1.72 million members, wrk at 1 connection; the checks give the
  first answer's total and items and the p99 as a multiple of `/healthz`'s.
"""

P99_TARGET_MS = 300
ADMINS = {"city root": "city_admin", "one district": "jinshui_admin"}
REFUND_STAFF = {"city root": "city_finance", "one district": "jinshui_refunds"}
# (name, path, query, accounts): what staff open, page through and type
LISTS = [
    ("member list, first page", "/api/v1/admin/members", {}, ADMINS),
    ("member list, page 50", "/api/v1/admin/members", {"page": 50}, ADMINS),
    ("member list, name search", "/api/v1/admin/members", {"q": "王"}, ADMINS),
    ("application queue", "/api/v1/admin/join/applications", {}, ADMINS),
    ("refund queue", "/api/v1/admin/refunds/applications", {}, REFUND_STAFF),
    ("audit log", "/api/v1/admin/audit", {}, ADMINS),
]


def staff_lists(env, baseline, *, quick, seconds):
    from bench.scenarios import staff_token  # the scenarios module lists this one

    members, grassroots = (50_000, 2_000) if quick else (MEMBERS, GRASSROOTS)
    with step(f"loading the city: {grassroots:,} grassroots unions, {members:,} members"), \
            env.app.app_context():
        ensure_orgs()
        loaded = load_city(env.settings, members, grassroots)
    tokens: dict[str, str] = {}
    for who in ("city root", "one district"):
        for name, path, query, accounts in LISTS:
            username = accounts[who]
            if username not in tokens:
                tokens[username] = staff_token(env, username)
            headers = {"Authorization": f"Bearer {tokens[username]}"}
            url = f"{env.url}{path}?{urlencode(query)}" if query else env.url + path
            first = requests.get(url, headers=headers, timeout=60)
            body = first.json() if first.ok else {}
            with step(f"{name} as {who}: wrk for {seconds} s at 1 connection"):
                result = run_wrk(url, "get.lua", seconds=seconds, connections=1, threads=1,
                                 timeout_s=30, headers=headers)
            ok = first.status_code == 200 and result.statuses.get(200, 0) == result.answered
            checks = (f"{loaded:,} city members; first answer {first.status_code}, "
                      f"total {body.get('total')}, {len(body.get('items', []))} items; "
                      f"{result.answered} answered, all 200: {ok}; p99 "
                      f"{result.p99_ms / baseline.p99_ms:.1f}x /healthz's")
            yield Row(f"{name} ({who})", result.requests_per_s,
                      result.requests_per_s / baseline.requests_per_s, result.p50_ms,
                      result.p99_ms, checks,
                      [target(f"p99 at most {P99_TARGET_MS} ms, single user",
                              result.p99_ms <= P99_TARGET_MS, f"{result.p99_ms:.0f} ms")])
