"""The city-sized data set, built once and kept between runs.

`restore(data_dir, quick)` copies a cached MariaDB data directory into place before the
server starts; `prepare(env, quick)` then runs every step of STEPS (timed), each loading
what the database at hand lacks: everything on a first build, nothing on a restored copy
but for a step added since; then the AFTER_LOAD hooks. Cached whenever built, topped up or
migrated further. What the scenarios change is gone the next run (from the clean copy).

The cache lives in $BENCH_CACHE (default ~/.cache/union-bench), one folder per
DATASET_VERSION and size: bump it when a step loads other rows (a new step only tops up).
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import column, func, inspect, select, table, text

from bench.applicants import load_past_applications
from bench.city import GRASSROOTS, MEMBERS, figures_counted, load_city
from bench.data import ensure_orgs
from bench.enterprises import ENTERPRISES, load_enterprises
from bench.env import KEYS, BenchEnv
from bench.national import load_national_stations
from bench.progress import say, step
from bench.staff_data import load_audit_entries, load_pending_applications
from bench.stations import STAGED, stage_for_nearby
from service.extensions import db
from service.identity.labels import public_name
from service.models.accounts import Admin
from service.models.orgs import Org

DATASET_VERSION = 1

NOTE = """- **data set**: every scenario reads one data set, built by `bench/dataset.py` and kept
between runs (a copy of MariaDB's data directory taken with the server stopped, in
`$BENCH_CACHE`): the city tree with 15,583 grassroots unions and 1.72 million members, 200,000
past applications of people who never joined (rejected over two years, those decided over 180
days ago stored as the retention purge leaves them, and a review queue of 3,500 with due
dates), 20,000 small and micro enterprises with their refund applications for 2020-2024,
the national stations and, in a table of their own, the nearby search's synthetic ones. A
run starts from the clean copy, so what a scenario adds is gone the next run; the output's
last lines say whether the data set was restored or built, and how long that took."""


@dataclass(frozen=True)
class Size:
    grassroots: int
    members: int
    applications: int  # past applications of people who are not members
    pending: int  # of them, the review queue
    enterprises: int


FULL = Size(GRASSROOTS, MEMBERS, 200_000, 3_500, ENTERPRISES)
QUICK = Size(2_000, 50_000, 10_000, 500, 1_000)  # staff_lists' quick city


def size(quick: bool) -> Size:
    return QUICK if quick else FULL


def _city(settings: dict, quick: bool) -> int:
    s = size(quick)  # the figures are counted once, by AFTER_LOAD, after every step
    return load_city(settings, s.members, s.grassroots, count_figures=False)


def _applications(settings: dict, quick: bool) -> int:
    s = size(quick)
    return load_past_applications(settings, s.applications, s.pending)


def _enterprises(settings: dict, quick: bool) -> int:
    federations = db.session.execute(select(Org.id, Org.district_code, Org.name).where(
        Org.kind == "district_federation").order_by(Org.id)).all()
    districts = [(org.id, org.district_code) for org in federations]
    # a federation without a reviewer account of its own: its reviewers, by name
    actors: dict = {org.id: ("admin", None, f"{org.name} 审核员") for org in federations}
    for admin in db.session.scalars(select(Admin).order_by(Admin.id)):
        roles = admin.roles
        if "refund_reviewer" in roles and actors.get(admin.org_id, ("", 0))[1] is None:
            actors[admin.org_id] = ("admin", admin.id, public_name(admin))
        if "finance" in roles and admin.org.parent_id is None and "finance" not in actors:
            actors["finance"] = ("admin", admin.id, public_name(admin))
    return load_enterprises(settings, districts, actors, size(quick).enterprises)


# The loaders, in order: (what, function(settings, quick) -> rows loaded). Inside an app
# context; `settings` start worker processes (bench/parallel.py). Each loads only what is
# missing; one that now loads other rows bumps DATASET_VERSION.
STEPS: list[tuple[str, Callable[[dict, bool], int]]] = [
    ("the demo orgs and staff", lambda settings, quick: ensure_orgs() or 0),
    ("the city tree and its members", _city),
    ("past join applications of non-members", _applications),
    ("enterprises and five years of refund applications", _enterprises),
    ("the national stations", load_national_stations),
    ("the review queue's pending applications",
     lambda settings, quick: load_pending_applications(5_000 if quick else 20_000)),
    ("the audit log", lambda settings, quick: load_audit_entries(size(quick).members // 4)),
    ("the nearby search's stations", stage_for_nearby),
]

# Run after the steps, on every build or restore, in an app context, before the snapshot:
# (tables it derives from, function(settings, quick, added: whether a step added rows to
# them)). For what the service keeps derived from rows (counts), once, after every step.
AFTER_LOAD: list[tuple[tuple[str, ...], Callable[[dict, bool, bool], None]]] = [
    (("members", "join_applications"), figures_counted)]


def cache_root() -> Path:
    return Path(os.environ.get("BENCH_CACHE") or Path.home() / ".cache" / "union-bench")


def cache_dir(quick: bool) -> Path:
    """The snapshot of one version and size, under the keys its values are sealed with:
    `data` (the datadir) and `migration` (the revision it was taken at)."""
    keys = hashlib.sha256(f"{KEYS['DATA_KEY']} {KEYS['BLIND_INDEX_KEY']}".encode())
    return cache_root() / (f"dataset-v{DATASET_VERSION}-{'quick' if quick else 'full'}-"
                           f"{keys.hexdigest()[:8]}")


def _copy(source: Path, target: Path) -> None:
    subprocess.run(["cp", "-a", "--reflink=auto", str(source), str(target)], check=True)


def _size_gb(path: Path) -> float:
    du = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True)
    return int(du.stdout.split()[0]) / 1e9


def restore(data_dir: Path, quick: bool) -> float | None:
    """Copy the cached datadir to `data_dir`/data; the seconds it took, None when none."""
    cached = cache_dir(quick)
    if not (cached / "migration").exists():
        return None
    started = time.monotonic()
    _copy(cached / "data", data_dir / "data")
    return time.monotonic() - started


def migration_head() -> str:
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def snapshot(env, quick: bool) -> Path:
    """Stop MariaDB cleanly, copy its datadir to the cache (replacing an older snapshot
    of this version and size), start it again."""
    with env.app.app_context():
        head = migration_head()
    target = cache_dir(quick)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f"{target.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    env.halt_database()
    try:
        _copy(env.data_dir / "data", building / "data")
    finally:
        env.serve_database()
    (building / "migration").write_text(head + "\n")
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    building.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


FILLED = ("members", "join_applications", "refund_applications", "stations", "audit_log",
          STAGED.name)


def _high_marks() -> dict[str, int | None]:
    """Each filled table's highest id: steps only add rows above, so a moved mark is an add."""
    present = set(inspect(db.session.connection()).get_table_names())
    return {name: db.session.scalar(select(func.max(column("id"))).select_from(table(name)))
            for name in FILLED if name in present}


def load(env, quick: bool) -> tuple[list[str], bool]:
    """Every step of STEPS in order, each topping up what is missing, then AFTER_LOAD;
    what each step loaded and how long it took, and whether any row was added."""
    parts = []
    with env.app.app_context():
        before = _high_marks()
        for what, function in STEPS:
            started = time.monotonic()
            with step(f"data set: {what}"):
                rows = function(env.settings, quick)
            parts.append(f"{what}: {rows:,} rows in {time.monotonic() - started:.0f} s")
        db.session.commit()
        moved = {name for name, mark in _high_marks().items() if mark != before.get(name)}
        for tables, hook in AFTER_LOAD:
            hook(env.settings, quick, bool(moved.intersection(tables)))
        db.session.commit()
        db.engine.dispose()  # no connection left open across the snapshot
    return parts, bool(moved)


def prepare(env, quick: bool, restored_s: float | None) -> str:
    """Build and cache the data set, or top up a restored one (a step added since it was
    cached, newer migrations): cached again when either changed it; the line saying which."""
    label = f"{'quick' if quick else 'full'} data set v{DATASET_VERSION}"
    cached = cache_dir(quick)
    started = time.monotonic()
    parts, added = load(env, quick)
    loaded_s = time.monotonic() - started
    if restored_s is None:
        line = f"{label}: built in {loaded_s / 60:.1f} min ({'; '.join(parts)})"
    else:
        line = f"{label}: restored from the cache {cached} in {restored_s:.0f} s"
        if added:
            line += f", topped up in {loaded_s:.0f} s ({'; '.join(parts)})"
        with env.app.app_context():
            moved = migration_head() != (cached / "migration").read_text().strip()
            db.engine.dispose()
        if moved:
            line += ", newer migrations run on it"
    if restored_s is None or added or moved:
        with step(f"caching the data set in {cached}"):
            started = time.monotonic()
            snapshot(env, quick)
        line += f"; cached in {time.monotonic() - started:.0f} s ({_size_gb(cached):.1f} GB)"
    say(line)
    return line


def main(argv=None) -> None:
    """`python -m bench.dataset [--quick] [--rebuild]`: build and cache the data set (or
    check the cached one) without running the scenarios."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--quick", action="store_true", help="the smaller data set")
    parser.add_argument("--rebuild", action="store_true", help="drop the cached one first")
    args = parser.parse_args(argv)
    if args.rebuild:
        shutil.rmtree(cache_dir(args.quick), ignore_errors=True)
    env = BenchEnv()
    restored_s = restore(env.data_dir, args.quick)
    with env:
        print(prepare(env, args.quick, restored_s))


if __name__ == "__main__":
    main()
