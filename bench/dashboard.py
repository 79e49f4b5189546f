"""The dashboard figures at city size, as the city root and as one district: the overview,
the figures by group and district, the join-code funnel and the console's 工作台 page,
single user, p99 and each a ratio to /healthz of the same run, with a check that the
answer equals counting the members directly."""

import re

import requests
from sqlalchemy import func, select

from bench.city import GRASSROOTS, MEMBERS, load_city
from bench.data import ensure_orgs
from bench.progress import step
from bench.report import Row, target
from bench.wrk import ANSWERS, probe, run_wrk, seconds_for
from service.demo import DEMO_PASSWORD
from service.extensions import db
from service.joining.figures import fold_if_due
from service.models.members import Member
from service.models.orgs import Org
from service.stations import counts as station_counts

P99_TARGET_MS = 500
ADMINS = {"city root": ("city_admin", "ZZ"), "one district": ("jinshui_admin", "JS")}
FIGURES = [
    ("overview", "/api/v1/admin/stats/overview"),
    ("by group and district", "/api/v1/admin/stats/groups"),
    ("join-code funnel", "/api/v1/admin/stats/join-codes"),
    ("console dashboard", "/console/"),
]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

NOTE = f"""- **dashboard figures**: each staff figure at city size as the city root and as one
  district, one connection: `GET /admin/stats/overview`, `/admin/stats/groups`,
  `/admin/stats/join-codes` and the console's 工作台 page. They read counts kept per org
  subtree (`figure_counts`, written by every change in its own transaction as a
  `figure_changes` row and folded in by the worker once a minute; rebuilt by
  `flask stats rebuild` after the bulk load), never the members; the 工作台's station block
  likewise reads `station_counts` (per subtree, kind, status and timetable, each timetable
  judged open or not once), never the city's million stations, and its queue and refund
  blocks read one index each. The scenario folds once before measuring, as the worker
  would have. The checks compare the overview's member total with a direct count of the
  subtree's members and say how many answers each run had. A run lasts as long as
  {ANSWERS} answers take at the rate of the first few (up to three in a row, a second's
  worth), 2 s at least and 10 s at most: a p99 among {ANSWERS} answers or more, or, for a
  figure slower than {ANSWERS} in 10 s, the 10 s every figure had before."""


def _console_cookie(env, username: str) -> str:
    """Signed in to the console as `username`: the session cookie's header value."""
    browser = requests.Session()
    page = browser.get(env.url + "/console/login", timeout=30)
    token = TOKEN.search(page.text).group(1)
    browser.post(env.url + "/console/login", timeout=30, allow_redirects=False,
                 data={"csrf_token": token, "username": username, "password": DEMO_PASSWORD})
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def _direct_total(code: str) -> int:
    root = db.session.scalar(select(Org).where(Org.code == code))
    total = db.session.scalar(select(func.count(Member.id)).where(Member.org_id.in_(
        select(Org.id).where(Org.path.startswith(root.path)))))
    db.session.commit()
    return total


def dashboard_figures(env, baseline, *, quick, seconds):
    from bench.scenarios import staff_token  # the scenarios module lists this one

    members, grassroots = (50_000, 2_000) if quick else (MEMBERS, GRASSROOTS)
    with step(f"loading the city: {grassroots:,} grassroots unions, {members:,} members"), \
            env.app.app_context():
        ensure_orgs()
        loaded = load_city(env.settings, members, grassroots)
        # What the worker does once a minute; earlier scenarios' sign-ups are folded in.
        fold_if_due(force=True)
        station_counts.fold_if_due(force=True)
    for who, (username, code) in ADMINS.items():
        with env.app.app_context():
            expected = _direct_total(code)
        api = {"Authorization": f"Bearer {staff_token(env, username)}"}
        console = {"Cookie": _console_cookie(env, username)}
        for name, path in FIGURES:
            headers = console if path.startswith("/console") else api
            first, rate = probe(env.url + path, headers, allow_redirects=False)
            if path.endswith("overview"):
                answered = first.json()["members"]["total"] if first.ok else None
                check = f"member total {answered:,} = direct count {expected:,}: " \
                    f"{answered == expected}; " if first.ok else ""
            else:
                check = ""
            run_s = seconds_for(rate, seconds)
            with step(f"{name} as {who}: wrk for {run_s} s at 1 connection"):
                result = run_wrk(env.url + path, "get.lua", seconds=run_s, connections=1,
                                 threads=1, timeout_s=30, headers=headers)
            ok = first.status_code == 200 and result.statuses.get(200, 0) == result.answered
            checks = (f"{loaded:,} city members; {check}first answer {first.status_code}; "
                      f"{result.answered} answered, all 200: {ok}; p99 "
                      f"{result.p99_ms / baseline.p99_ms:.1f}x /healthz's")
            yield Row(f"{name} ({who})", result.requests_per_s,
                      result.requests_per_s / baseline.requests_per_s, result.p50_ms,
                      result.p99_ms, checks,
                      [target(f"{name} ({who}): p99 at most {P99_TARGET_MS} ms, single user",
                              0 < result.answered and result.p99_ms <= P99_TARGET_MS,
                              f"{result.p99_ms:.0f} ms, {result.answered} answered")])
