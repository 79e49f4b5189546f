"""The peak hour: nearby search, cards, submissions, logins and staff lists all at once."""

import json
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from bench.data import ensure_orgs, org_id
from bench.people import _add_users, _next_id, insert_members, person
from bench.progress import step
from bench.report import Row, target
from bench.stations import BOX, LIMIT, RADIUS_M, load_stations
from bench.wrk import run_wrk
from service.extensions import db
from service.identity.auth import MEMBER, issue_token
from service.joining.privacy import CURRENT_VERSION
from service.models.accounts import User
from service.models.members import JoinApplication
from service.models.orgs import Org
from service.models.stations import Station

CONNECTIONS = 64
P99_FACTOR = 3
MEMBERS = 2_000  # card and `me` holders, each asked at random
FORMS_PER_S = 250  # a tenth of the mix at 2,500 req/s: more than it can send
STATIONS = 20_000  # loaded only when the database holds none
FORM_ORG = "ZZ-ELM"  # reviews: every application stays pending
EXPECTED = {"nearby": 200, "card": 200, "me": 200, "join": 201, "login": 200,
            "staff_members": 200, "staff_queue": 200}

NOTE = """- **peak_hour_mix**: 64 connections, each request drawn at random: 70% nearby
  search (random points of central Zhengzhou, over the stations already in the database,
  or 20,000 loaded when there are none), 5% `GET /me/card` and 5% `GET /me` (2,000 members
  with their tokens), 10% `POST /join/applications` (each form from an account of its own,
  sent once), 5% `POST /auth/wechat-login` (fresh codes, the fake WeChat over HTTP), 3% the
  staff member list and 2% the review queue (as the city root). Rate limits on. The checks
  count the answers by kind: each must be the status its kind answers when all is well
  (any other is an error). The target compares the mix's p99 with the `/healthz` row's."""


def _users(prefix: str, count: int) -> int:
    """`count` WeChat users `<prefix>-<n>` with consecutive ids; the first id."""
    first = _next_id(User)
    _add_users(prefix, first, range(count))
    return first


def _prepare(folder: Path, forms: int) -> dict:
    """Members with tokens and one-shot join forms with theirs: lua/peak.lua's files."""
    org = db.session.get(Org, org_id(FORM_ORG))
    first_member = _users("bench-peak-member", MEMBERS)
    insert_members(range(MEMBERS), lambda n: org, first_member, _next_id(JoinApplication),
                   "410108", "131")
    first_applicant = _users("bench-peak-applicant", forms)
    db.session.commit()
    members = folder / "members.txt"
    members.write_text("".join(issue_token(MEMBER, first_member + n)[0] + "\n"
                               for n in range(MEMBERS)))
    applications = folder / "forms.tsv"
    with applications.open("w") as out:
        for n in range(forms):
            form = {"org_id": org.id, **person(n, "410122", "158"),
                    "consent_version": CURRENT_VERSION}
            out.write(f"{issue_token(MEMBER, first_applicant + n)[0]}\t"
                      f"{json.dumps(form, ensure_ascii=False)}\n")
    return {"PEAK_MEMBERS": str(members), "PEAK_FORMS": str(applications)}


def _kinds(path: Path) -> dict[str, dict[int, int]]:
    counts: dict[str, dict[int, int]] = {}
    for line in path.read_text().splitlines():
        _, kind, status, count = line.split()
        counts.setdefault(kind, {})
        counts[kind][int(status)] = counts[kind].get(int(status), 0) + int(count)
    return counts


def peak_hour_mix(env, baseline, *, quick, seconds):
    from bench.scenarios import staff_token  # the scenarios module lists this one

    with env.app.app_context():
        ensure_orgs()
        stations = db.session.scalar(select(func.count(Station.id)))
    if not stations:
        with step(f"loading {STATIONS:,} stations"), env.app.app_context():
            stations = load_stations(env.settings, STATIONS, 9000)
        with step("workers reading the stations"):
            env.wait_for_idle_workers()
    folder = Path(tempfile.mkdtemp(prefix="bench-peak-"))
    forms = FORMS_PER_S * seconds
    with step(f"{MEMBERS:,} members and {forms:,} applicants with their tokens"), \
            env.app.app_context():
        files = _prepare(folder, forms)
    counts_file = folder / "counts.txt"
    with step(f"peak-hour mix: wrk for {seconds} s at {CONNECTIONS} connections"):
        result = run_wrk(env.url + "/", "peak.lua", seconds=seconds, connections=CONNECTIONS,
                         threads=2, env={**files, "PEAK_COUNTS": str(counts_file),
                                         "PEAK_STAFF": staff_token(env, "city_admin"),
                                         "PEAK_LOGIN": "peak",
                                         "NEARBY_BOX": ",".join(str(v) for v in BOX),
                                         "NEARBY_QUERY": f"radius={RADIUS_M}&limit={LIMIT}"})
    kinds = _kinds(counts_file)
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    errors = sum(n for kind, statuses in kinds.items() for code, n in statuses.items()
                 if code != EXPECTED.get(kind)) + sum(result.socket_errors.values())
    by_kind = "; ".join(
        f"{kind} " + ", ".join(f"{n}×{code}" for code, n in sorted(statuses.items()))
        for kind, statuses in sorted(kinds.items()))
    factor = result.p99_ms / baseline.p99_ms
    socket = {kind: n for kind, n in result.socket_errors.items() if n}
    checks = (f"{stations:,} stations; {by_kind}; p99 {factor:.1f}x /healthz's "
              f"({baseline.p99_ms:.0f} ms)"
              + (f"; socket errors {socket}" if socket else ""))
    yield Row(f"peak-hour mix ({CONNECTIONS} connections)", result.requests_per_s,
              result.requests_per_s / baseline.requests_per_s, result.p50_ms, result.p99_ms,
              checks,
              [target(f"peak-hour mix, p99 at most {P99_FACTOR}x /healthz's",
                      factor <= P99_FACTOR, f"{result.p99_ms:.0f} ms, {factor:.1f}x"),
               target("peak-hour mix, 0 errors", errors == 0, f"{errors} errors")])
