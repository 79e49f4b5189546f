"""Staff lists at city size, as the city root and as one district: every list of the
issue, single user (p99 at most 300 ms) and at 16 connections (p99 at most 3x /healthz's
at 16 connections, measured in the same scenario), with a check of what the first answer
holds."""

from urllib.parse import urlencode

from sqlalchemy import func, select

from bench.city import GRASSROOTS, MEMBERS, load_city
from bench.data import ensure_orgs, load_refund_applications
from bench.env import cpu_seconds
from bench.progress import step
from bench.report import Row, target
from bench.staff_data import load_audit_entries, load_pending_applications
from bench.wrk import ANSWERS, probe, run_wrk, seconds_for
from service.extensions import db
from service.models.orgs import Org
from service.models.refund_applications import RefundApplication

P99_TARGET_MS = 300
LOADED_RATIO = 3  # p99 at 16 connections against /healthz's at 16
CONNECTIONS = 16
ADMINS = {"city root": "city_admin", "one district": "jinshui_admin"}
REFUND_STAFF = {"city root": "city_finance", "one district": "jinshui_refunds"}
DISTRICT = "JS"  # jinshui_admin's district
STREET = "<street>"  # the first street union in the caller's scope, found at run time
# (name, path, query, accounts): what staff open, page through and type
LISTS = [
    ("member list, first page", "/api/v1/admin/members", {}, ADMINS),
    ("member list, page 50", "/api/v1/admin/members", {"page": 50}, ADMINS),
    ("member list, name search", "/api/v1/admin/members", {"q": "王"}, ADMINS),
    ("member list, phone tail search", "/api/v1/admin/members", {"q": "0042"}, ADMINS),
    ("member list, one street's subtree", "/api/v1/admin/members", {"org_id": STREET},
     ADMINS),
    ("member list, one occupation", "/api/v1/admin/members", {"occupation": "courier"},
     ADMINS),
    ("review queue, by due date", "/api/v1/admin/join/applications", {}, ADMINS),
    ("review queue, pending", "/api/v1/admin/join/applications", {"status": "pending"},
     ADMINS),
    ("refund queue", "/api/v1/admin/refunds/applications", {}, REFUND_STAFF),
    ("audit log", "/api/v1/admin/audit", {}, ADMINS),
]

NOTE = f"""- **staff lists**: the city at its size (its members, a review queue of pending
  applications with due dates, an audit log of a quarter as many entries as members, the
  refund applications loaded before), each list as the city root and as one district
  (Jinshui): the member list's first page with its total, page 50, a name search (one
  surname, a twentieth of the city), the phone's last four digits, one street union's
  subtree, one occupation; the review queue in due-date order (every application) and its
  pending part; the refund queue; the audit log. Each list first single user (target: p99
  at most 300 ms), then at 16 connections (target: p99 at most 3x /healthz's p99 at 16
  connections, measured in this scenario: the row "GET /healthz at 16 connections").
  `checks` give what the first answer held (status, total, items), how many answers
  the run had and, at 16 connections, the CPU the gunicorn workers and MariaDB spent per
  answered request (on 2 cores, a p99 within 3x /healthz's at 16 connections needs a few
  ms in all). A run lasts as long as {ANSWERS} answers take, 2 s at least and 5 s at most:
  single user at the rate of the first few answers (up to three in a row, a second's
  worth), at 16 connections at the single user's measured rate (16 connections answer at
  least as many a second). A list fast enough has its p99 among {ANSWERS} answers or more;
  one slower than {ANSWERS} in 5 s runs the 5 s every list had before, its p99 among the
  answers it got (the checks say how many)."""


def _street(who: str) -> int:
    """The first street union (with its grassroots unions) in the scope of `who`."""
    streets = select(Org.id).where(Org.code.like("CP-%")).order_by(Org.id)
    if who == "one district":
        district = db.session.scalar(select(Org.path).where(Org.code == DISTRICT))
        streets = streets.where(Org.path.startswith(district))
    return db.session.scalar(streets.limit(1))


def _load(env, quick: bool) -> tuple[int, dict]:
    members, grassroots = (50_000, 2_000) if quick else (MEMBERS, GRASSROOTS)
    with step(f"loading the city: {grassroots:,} grassroots unions, {members:,} members"), \
            env.app.app_context():
        ensure_orgs()
        loaded = load_city(env.settings, members, grassroots)
        pending = load_pending_applications(5_000 if quick else 20_000)
        entries = load_audit_entries(members // 4)
        refunds = db.session.scalar(select(func.count(RefundApplication.id)))
        if not refunds:
            refunds = load_refund_applications(5_000 if quick else 20_000)
        streets = {who: _street(who) for who in ADMINS}
    return loaded, {"pending": pending, "audit entries": entries, "refunds": refunds,
                    "streets": streets}


def _measure(url, headers, seconds, connections):
    return run_wrk(url, "get.lua", seconds=seconds, connections=connections,
                   threads=min(2, connections), timeout_s=30, headers=headers)


def _processes(env) -> dict[str, list[int]]:
    """The gunicorn workers and MariaDB, whose CPU a run's requests use."""
    return {"workers": env.worker_pids(),
            "MariaDB": [int((env.data_dir / "mysqld.pid").read_text())]}


def _measure_cpu(env, url, headers, seconds, connections):
    """`_measure`, with the CPU the workers and MariaDB spent per answered request (ms):
    what 2 cores can serve at best, whatever else the machine runs meanwhile."""
    processes = _processes(env)
    before = {name: sum(cpu_seconds(pid) for pid in pids) for name, pids in processes.items()}
    result = _measure(url, headers, seconds, connections)
    spent = {name: sum(cpu_seconds(pid) for pid in pids) - before[name]
             for name, pids in processes.items()}
    per_request = "; CPU per request " + ", ".join(
        f"{name} {1000 * cpu / max(1, result.answered):.1f} ms" for name, cpu in spent.items())
    return result, per_request


def staff_lists(env, baseline, *, quick, seconds):
    from bench.scenarios import staff_token  # the scenarios module lists this one

    loaded, held = _load(env, quick)
    seconds = max(3, seconds // 2)  # 40 runs, each this long at most
    with step(f"GET /healthz: wrk for {seconds} s at {CONNECTIONS} connections"):
        health, health_cpu = _measure_cpu(env, env.url + "/healthz", {}, seconds, CONNECTIONS)
    yield Row(f"GET /healthz at {CONNECTIONS} connections", health.requests_per_s,
              health.requests_per_s / baseline.requests_per_s, health.p50_ms, health.p99_ms,
              f"{health.answered} answered; {loaded:,} city members, {held['pending']:,} "
              f"pending applications, {held['audit entries']:,} audit entries, "
              f"{held['refunds']:,} refund applications{health_cpu}")
    tokens: dict[str, str] = {}
    for who in ("city root", "one district"):
        for name, path, query, accounts in LISTS:
            username = accounts[who]
            if username not in tokens:
                tokens[username] = staff_token(env, username)
            headers = {"Authorization": f"Bearer {tokens[username]}"}
            query = {key: held["streets"][who] if value == STREET else value
                     for key, value in query.items()}
            url = f"{env.url}{path}?{urlencode(query)}" if query else env.url + path
            first, rate = probe(url, headers)
            body = first.json() if first.ok else {}
            answer = (f"first answer {first.status_code}, total {body.get('total')}, "
                      f"{len(body.get('items', []))} items")
            alone_s = seconds_for(rate, seconds)
            with step(f"{name} as {who}: wrk for {alone_s} s at 1 connection"):
                single = _measure(url, headers, alone_s, 1)
            # 16 connections answer at least as many a second as one does
            loaded_s = seconds_for(single.requests_per_s, seconds)
            with step(f"{name} as {who}: wrk for {loaded_s} s at {CONNECTIONS} connections"):
                loaded_run, cpu = _measure_cpu(env, url, headers, loaded_s, CONNECTIONS)
            for result, label, goal in (
                    (single, "single user", (f"{name} ({who}): p99 at most {P99_TARGET_MS} "
                                             "ms, single user",
                                             0 < single.answered
                                             and single.p99_ms <= P99_TARGET_MS,
                                             f"{single.p99_ms:.0f} ms")),
                    (loaded_run, f"{CONNECTIONS} connections", (
                        f"{name} ({who}): p99 at most {LOADED_RATIO}x /healthz's at "
                        f"{CONNECTIONS} connections",
                        0 < loaded_run.answered
                        and loaded_run.p99_ms <= LOADED_RATIO * health.p99_ms,
                        f"{loaded_run.p99_ms / health.p99_ms:.1f}x: {loaded_run.p99_ms:.0f} "
                        f"ms against {health.p99_ms:.0f} ms"))):
                ok = first.status_code == 200 and result.statuses.get(200, 0) == result.answered
                yield Row(f"{name} ({who}, {label})", result.requests_per_s,
                          result.requests_per_s / baseline.requests_per_s, result.p50_ms,
                          result.p99_ms,
                          f"{answer}; {result.answered} answered, all 200: {ok}"
                          + (cpu if result is loaded_run else ""),
                          [target(*goal)])
