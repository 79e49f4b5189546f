"""The collective sign-up: distinct applicants submitting at 64 connections, checked after."""

import tempfile
from pathlib import Path

from sqlalchemy import distinct, func, select

from bench.data import ensure_orgs, org_id
from bench.people import load_users, write_replay
from bench.progress import step
from bench.report import Row, target
from bench.wrk import replay
from service.extensions import db
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


def _stored(prefix: str) -> tuple[int, int, int]:
    """Rows of the benchmark's users, distinct people and distinct users among them."""
    query = (select(func.count(JoinApplication.id), func.count(distinct(JoinApplication.id_index)),
                    func.count(distinct(JoinApplication.user_id)))
             .join(User, User.id == JoinApplication.user_id)
             .where(User.openid.startswith(prefix + "-")))
    return tuple(db.session.execute(query).one())


def collective_signup(env, baseline, *, quick, seconds):
    count = 3_000 if quick else 20_000
    prefix = "bench-signup"
    with env.app.app_context():
        ensure_orgs()
        with step(f"creating {count:,} WeChat users and signing their tokens"):
            user_ids = load_users(prefix, count)
            replay_file = Path(tempfile.mkdtemp(prefix="bench-signup-")) / "replay.tsv"
            write_replay(replay_file, user_ids, org_id(TARGET_ORG))
    with step(f"{count:,} sign-ups at {CONNECTIONS} connections"):
        result = replay(env.url, replay_file, connections=CONNECTIONS, threads=THREADS)
    replay_file.unlink()
    replay_file.parent.rmdir()
    with env.app.app_context():
        rows, people, users = _stored(prefix)
    created = result.statuses.get(201, 0)
    others = ", ".join(f"{n}×{code}" for code, n in sorted(result.statuses.items())
                       if code != 201)
    checks = (f"{created}×201, {result.answered - created} other{f' ({others})' if others else ''}"
              f", {count - result.answered} unanswered of {count} sent; DB rows {rows}; "
              f"duplicates {rows - min(people, users)}")
    if result.elapsed_s is None:
        checks += "; unfinished when wrk's time ran out"
    errors = {kind: n for kind, n in result.socket_errors.items() if n}
    if errors:
        checks += "; socket errors " + ", ".join(f"{kind} {n}" for kind, n in errors.items())
    once = created == rows == people == users and result.answered == count
    yield Row(f"collective sign-up ({count:,} applicants, {CONNECTIONS} connections)",
              result.requests_per_s, result.requests_per_s / baseline.requests_per_s,
              result.p50_ms, result.p99_ms, checks,
              [target("collective sign-up, every 201 in the database exactly once", once,
                      f"{created} answers, {rows} rows, {people} people")])
