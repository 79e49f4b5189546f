"""Zhengzhou at its real size for the benchmarks: the org tree as it is (the city, 16
districts, counties and development zones, their streets and industry unions, 15,583
grassroots unions) and 1.72 million members spread as a real city's are: a few unions of
tens of thousands, most of dozens. Rows go in straight, thousands at a time; personal
values are encrypted by the columns' own type, as the service stores them."""

import random
from bisect import bisect_right
from datetime import UTC, datetime
from itertools import accumulate

from sqlalchemy import func, insert, select

from bench.data import batches
from bench.parallel import in_processes
from bench.people import MEMBER_CHUNK, _add_users, _next_id, insert_members
from service.extensions import db
from service.joining.figures import rebuild
from service.models.accounts import User
from service.models.figure_capture import bulk_load
from service.models.figures import STATE, FigureState
from service.models.members import JoinApplication
from service.models.orgs import Org

GRASSROOTS = 15_583
MEMBERS = 1_720_000
# The demo tree has 12 districts and counties; the development zones make 16.
ZONES = [("ZZJK", "郑州经济技术开发区总工会", "410171"),
         ("ZZGX", "郑州高新技术产业开发区总工会", "410173"),
         ("ZZHKG", "郑州航空港经济综合实验区总工会", "410174"),
         ("ZZDX", "郑东新区总工会", "410172")]
STREETS_PER_DISTRICT = 12
INDUSTRIES_PER_DISTRICT = 3
CITY_PREFIX = "bench-city"


def _row(org_id: int, code: str, name: str, kind: str, parent: dict, district: str,
         now: datetime) -> dict:
    return {"id": org_id, "code": code, "name": name, "kind": kind, "parent_id": parent["id"],
            "path": f"{parent['path']}{org_id}/", "district_code": district,
            "accepts_members": kind == "grassroots", "auto_approve": False,
            "created_at": now, "updated_at": now}


def load_city_tree(grassroots: int = GRASSROOTS) -> list[int]:
    """The zones, and under every district-level union its streets and industry unions
    with `grassroots` grassroots unions in all (idempotent: an existing tree is kept);
    the grassroots unions' ids in order."""
    existing = list(db.session.scalars(select(Org.id).where(Org.code.like("CG-%"))
                                       .order_by(Org.id)))
    if existing:
        return existing
    now = datetime.now(UTC)
    root = db.session.execute(select(Org.id, Org.path).where(Org.parent_id.is_(None))).one()
    next_id = _next_id(Org)
    zones = []
    for code, name, district in ZONES:
        if db.session.scalar(select(Org.id).where(Org.code == code)) is None:
            zones.append(_row(next_id, code, name, "district_federation", root._mapping,
                              district, now))
            next_id += 1
    if zones:
        db.session.execute(insert(Org), zones)
    districts = [row._mapping for row in db.session.execute(
        select(Org.id, Org.path, Org.district_code, Org.name)
        .where(Org.kind == "district_federation").order_by(Org.id))]
    parents, rows = [], []
    for district in districts:
        for n in range(STREETS_PER_DISTRICT + INDUSTRIES_PER_DISTRICT):
            kind = "industry_union"  # the tree's kinds have no street union: the nearest
            label = f"第{n + 1}街道工会" if n < STREETS_PER_DISTRICT else f"第{n + 1}产业工会"
            parent = _row(next_id, f"CP-{next_id}", district["name"].removesuffix("总工会")
                          + label, kind, district, district["district_code"], now)
            rows.append(parent)
            parents.append(parent)
            next_id += 1
    first = next_id
    for n in range(grassroots):
        parent = parents[n % len(parents)]
        rows.append(_row(next_id, f"CG-{next_id}", f"郑州基准测试第{n + 1}基层工会",
                         "grassroots", parent, parent["district_code"], now))
        next_id += 1
    for batch in batches(rows):
        db.session.execute(insert(Org), batch)
    db.session.commit()
    return list(range(first, next_id))


ZIPF_SHIFT = 10  # flattens the head: the largest unions hold ~20,000, not 170,000


def union_weights(count: int) -> list[float]:
    """How members spread over `count` unions by size rank: Zipf's law, as firm sizes are,
    its head flattened (with 15,583 unions and 1.72 million members: the largest about
    21,000, the 40th about 4,700, the median about 30)."""
    return [1 / (rank + ZIPF_SHIFT) for rank in range(1, count + 1)]


class Spread:
    """Member n's union: a fixed draw over the unions by weight, the same in every process."""

    def __init__(self, unions: list[int], seed: int = 18):
        order = list(unions)
        random.Random(seed).shuffle(order)  # large unions anywhere in the tree
        self.unions = order
        self.cumulative = list(accumulate(union_weights(len(order))))

    def union_of(self, n: int) -> int:
        draw = random.Random(n * 7919 + 1).random() * self.cumulative[-1]
        return self.unions[min(bisect_right(self.cumulative, draw), len(self.unions) - 1)]


def load_city_member_chunk(numbers: range, first_user_id: int, first_application_id: int,
                           unions: list[int]) -> int:
    """Members `numbers` of the city, with their users and approved applications."""
    spread = Spread(unions)
    orgs = {org.id: org for org in db.session.execute(  # rows: what a member number needs
        select(Org.id, Org.district_code).where(Org.id.in_({spread.union_of(n) for n in numbers})))}
    _add_users(CITY_PREFIX, first_user_id, numbers)
    with bulk_load(db.session):  # load_city rebuilds the figures after the load
        return insert_members(numbers, lambda n: orgs[spread.union_of(n)], first_user_id,
                              first_application_id, "410102", "136")


def city_members() -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.openid.like(f"{CITY_PREFIX}-%")))


def load_city(settings: dict | None, members: int = MEMBERS,
              grassroots: int = GRASSROOTS, *, count_figures: bool = True) -> int:
    """The city tree and its `members`, topped up only to what is missing in the database
    at hand; loaded in worker processes when `settings` are given, else in this one. The
    staff figures counted after (unless `count_figures` is false: the data set counts
    them once after all its steps, bench/dataset.py AFTER_LOAD). The city's members."""
    unions = load_city_tree(grassroots)
    loaded = city_members()
    if loaded >= members:
        if count_figures:
            figures_counted(rebuild_anyway=False)
        return loaded
    first_user_id, first_application_id = _next_id(User), _next_id(JoinApplication)
    jobs = [(range(start, min(members, start + MEMBER_CHUNK)), first_user_id - loaded,
             first_application_id - loaded, unions)
            for start in range(loaded, members, MEMBER_CHUNK)]
    if settings is None:
        for job in jobs:
            load_city_member_chunk(*job)
    else:
        in_processes(settings, load_city_member_chunk, jobs)
    db.session.commit()
    if count_figures:
        figures_counted(rebuild_anyway=True)
    return city_members()


def figures_counted(settings: dict | None = None, quick: bool = False,
                    rebuild_anyway: bool = True) -> None:
    """The staff figures counted again after a bulk load (which goes around the app), or
    when they never were in this database. Also the data set's AFTER_LOAD hook
    (`rebuild_anyway`: whether its steps added rows)."""
    state = db.session.get(FigureState, STATE)
    db.session.commit()
    if rebuild_anyway or state is None or state.rebuilt_at is None:
        rebuild()
