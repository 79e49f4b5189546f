"""The collective sign-up as riders make it: log in with WeChat, bind the phone, apply.

Each rider's three requests go in order (lua/journey.lua), the token of the login used for
the other two, at 64 connections from one client address; the database is checked after.
"""

import json
import tempfile
from pathlib import Path

from sqlalchemy import distinct, func, select

from bench.data import ensure_orgs, org_id
from bench.people import person
from bench.progress import step
from bench.report import Row, target
from bench.wrk import replay
from service.core import clock
from service.extensions import db
from service.joining.privacy import CURRENT_VERSION
from service.models.accounts import User
from service.models.members import JoinApplication

NOTE = """\
- **collective sign-up**: distinct WeChat users (tokens signed with the server's key), each
  posting one valid application (own ID number and phone) to a union that reviews, every
  one sent exactly once by `bench/lua/replay.lua` at 64 connections; throughput is the
  answers over the time to the last one. Afterwards the database must hold one live
  application per 201 answer and no person or account twice.
"""

CONNECTIONS = 64
# One wrk thread drives all 64 connections (a few thousand requests a second is easy for
# it): with two, the thread done first leaves only half the connections for the tail.
THREADS = 1
TARGET_ORG = "ZZ-ELM"  # a grassroots union that reviews: every application stays pending
TARGET_RATIO = 0.3
RIDER = "signup"  # fake WeChat user keys signup0, signup1, ...

NOTE = """- **collective_signup**: every rider (20,000; 3,000 with `--quick`) makes the
  mini-program's three requests in order on the connections wrk keeps open:
  `POST /auth/wechat-login` with a fresh wx.login code (the service asks the fake WeChat
  over HTTP on loopback), `POST /me/phone` with a getPhoneNumber code and the token that
  login answered, then `POST /join/applications` with the current privacy notice version.
  All from one client address at 64 connections, rate limits on, with
  `WECHAT_LOGIN_ADDRESS_LIMIT` raised as a sign-up hall needs. The rate and the ratio
  count all three requests of every rider; p50/p99 are over all of them. The checks count
  the answers (two 200s and one 201 a rider) and then the database: one application per
  rider in the target union, each from its own account and person, and the phone each
  account bound is the phone on its form."""


def write_journeys(path: Path, count: int, org: int) -> None:
    """One rider per line for lua/journey.lua: login code, phone code, join form."""
    with path.open("w") as out:
        for n in range(count):
            form = {"org_id": org, **person(n, "410105", "139"),
                    "consent_version": CURRENT_VERSION}
            out.write(f"user-{RIDER}{n}-1\tphone-{form['phone']}-1\t"
                      f"{json.dumps(form, ensure_ascii=False)}\n")


def _stored(org: int, since) -> tuple[int, int, int, int]:
    """Applications to `org` since `since`: rows, distinct people, distinct accounts, and
    those whose account bound the phone on the form."""
    scope = (select().select_from(JoinApplication)
             .where(JoinApplication.org_id == org, JoinApplication.created_at >= since))
    rows, people, users = db.session.execute(scope.add_columns(
        func.count(JoinApplication.id), func.count(distinct(JoinApplication.id_index)),
        func.count(distinct(JoinApplication.user_id)))).one()
    bound = db.session.scalar(scope.add_columns(func.count(JoinApplication.id))
                              .join(User, User.id == JoinApplication.user_id)
                              .where(User.phone_index == JoinApplication.phone_index))
    return rows, people, users, bound


def collective_signup(env, baseline, *, quick, seconds):
    count = 3_000 if quick else 20_000
    with env.app.app_context():
        ensure_orgs()
        org = org_id(TARGET_ORG)
        since = clock.now().replace(microsecond=0)
    journeys = Path(tempfile.mkdtemp(prefix="bench-signup-")) / "journeys.tsv"
    write_journeys(journeys, count, org)
    with step(f"{count:,} riders log in, bind a phone and apply at {CONNECTIONS} connections"):
        result = replay(env.url, journeys, connections=CONNECTIONS, threads=THREADS,
                        script="journey.lua", max_seconds=600)
    journeys.unlink()
    journeys.parent.rmdir()
    with env.app.app_context():
        rows, people, users, bound = _stored(org, since)
    ok, created = result.statuses.get(200, 0), result.statuses.get(201, 0)
    sent = 3 * count
    others = ", ".join(f"{n}×{code}" for code, n in sorted(result.statuses.items())
                       if code not in (200, 201))
    errors = sum(result.socket_errors.values()) + result.answered - ok - created
    checks = (f"{ok}×200 (logins and phones), {created}×201 of {count} riders; "
              f"{result.answered - ok - created} other{f' ({others})' if others else ''}, "
              f"{sent - result.answered} requests unanswered or not sent; DB rows {rows}, "
              f"people {people}, accounts {users}, phone bound as on the form {bound}")
    if result.elapsed_s is None:
        checks += "; unfinished when wrk's time ran out"
    socket = {kind: n for kind, n in result.socket_errors.items() if n}
    if socket:
        checks += "; socket errors " + ", ".join(f"{kind} {n}" for kind, n in socket.items())
    ratio = result.requests_per_s / baseline.requests_per_s
    once = created == rows == people == users == bound == count and ok == 2 * count
    yield Row(f"collective sign-up with login ({count:,} riders × 3 requests, "
              f"{CONNECTIONS} connections)", result.requests_per_s, ratio,
              result.p50_ms, result.p99_ms, checks,
              [target(f"sign-up journey at least {TARGET_RATIO}x /healthz",
                      ratio >= TARGET_RATIO, f"{ratio:.2f}x"),
               target("0 errors", errors == 0 and result.answered == sent, f"{errors} errors"),
               target("every 201 in the database exactly once", once,
                      f"{created} answers, {rows} rows, {people} people, {bound} bound")])
