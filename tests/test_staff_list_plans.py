"""The staff lists' plans at a size where the plan matters: the member list and the
application queue as the city root and as one district, a name search, the refund queue,
the audit log. A city of 1.72 million members answers the first page from an index read
in order, never by sorting every member of its scope (MariaDB's EXPLAIN; SQLite's query
plan on the suite's default database)."""

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import g

from service.core import clock
from service.core.database import without_hints
from service.core.pii import blind_index
from service.extensions import db
from service.identity import audit
from service.joining.review import application_query
from service.joining.roster import member_query
from service.models.accounts import Admin, User
from service.models.audit import AuditEntry
from service.models.members import JoinApplication, Member
from service.models.orgs import Org
from service.models.refund_applications import RefundApplication
from service.models.refunds import Enterprise, RefundPolicy
from service.refunds import review
from tests.helpers import ON_MYSQL, explain

MYSQL = "mysql"
GRASSROOTS_PER_DISTRICT = 60
MEMBERS = 6000


def _analyze(tables):
    mysql = db.engine.dialect.name == MYSQL
    for table in tables:
        db.session.execute(sa.text(f"ANALYZE TABLE {table}" if mysql else f"ANALYZE {table}"))
    db.session.commit()


def _grassroots(app) -> list[int]:
    """Grassroots unions under every district (streets in between), as the city's tree is:
    their ids."""
    with app.app_context():
        districts = db.session.scalars(sa.select(Org).where(Org.kind == "district_federation")
                                       .order_by(Org.id)).all()
        next_id = db.session.scalar(sa.select(sa.func.max(Org.id))) + 1
        rows, unions = [], []
        for district in districts:
            street = {"id": next_id, "code": f"ST-{next_id}", "name": f"街道工会{next_id}",
                      "kind": "industry_union", "parent_id": district.id,
                      "path": f"{district.path}{next_id}/", "district_code":
                      district.district_code}
            rows.append(street)
            next_id += 1
            for _ in range(GRASSROOTS_PER_DISTRICT):
                rows.append({"id": next_id, "code": f"GR-{next_id}", "name": f"基层工会{next_id}",
                             "kind": "grassroots", "parent_id": street["id"],
                             "path": f"{street['path']}{next_id}/",
                             "district_code": district.district_code})
                unions.append(next_id)
                next_id += 1
        db.session.execute(sa.insert(Org), rows)
        db.session.commit()
    return unions


def _people(app, unions: list[int], count: int, *, members: bool) -> None:
    """`count` applicants (approved members when `members`), spread over `unions` as a
    city's are: a few large unions, most of dozens."""
    rnd = random.Random(18)
    weights = [1 / (rank + 1) for rank in range(len(unions))]
    orgs = rnd.choices(unions, weights, k=count)
    now = clock.now()
    with app.app_context():
        start = (db.session.scalar(sa.select(sa.func.max(User.id))) or 0) + 1
        person = {"id_number": "410105199003070012", "gender": "male",
                  "birth_date": date(1990, 3, 7), "phone": "13900000001",
                  "phone_index": blind_index("phone", "13900000001"), "occupation": "courier"}
        surnames = "王李张刘陈杨赵黄周吴"
        users, applications, people = [], [], []
        for n, org in enumerate(orgs):
            i = start + n
            at = now - timedelta(minutes=count - n)
            name = surnames[n % 10] + f"{n:05d}"
            users.append({"id": i, "openid": f"plan-{i}", "created_at": now})
            applications.append({**person, "name": name, "id": i, "user_id": i, "org_id": org,
                                 "id_index": f"p{i}", "active_person_index": f"p{i}",
                                 "status": "approved" if members else "pending",
                                 "created_at": at})
            if members:
                people.append({**person, "name": name, "id": i, "user_id": i,
                               "application_id": i, "person_index": f"p{i}", "org_id": org,
                               "member_no": f"P-{i:08d}", "status": "active",
                               "joined_at": at, "updated_at": at})
        for model, rows in ((User, users), (JoinApplication, applications), (Member, people)):
            for first in range(0, len(rows), 2000):
                db.session.execute(sa.insert(model), rows[first:first + 2000])
        db.session.commit()
        _analyze(["orgs", "users", "join_applications", "members"])


@pytest.fixture
def city(app, demo_orgs):
    unions = _grassroots(app)
    _people(app, unions, MEMBERS, members=True)
    return unions


def _refunds(app, unions: list[int], enterprises: int = 1000, years: int = 5) -> None:
    """`enterprises` with an application a year for `years` years, most declared."""
    rnd = random.Random(19)
    now = clock.now()
    with app.app_context():
        policy = db.session.execute(sa.insert(RefundPolicy).values(
            name="计划测试", period_start=date(2020, 1, 1), period_end=date(2024, 12, 31),
            apply_from=date(2020, 1, 1), apply_until=date(2025, 12, 31),
            size_classes_text="micro,small", refund_ratio=0.6, grassroots_share=0.4,
            created_at=now, updated_at=now)).inserted_primary_key[0]
        user = db.session.scalar(sa.select(sa.func.min(User.id)))
        orgs = rnd.choices(unions, [1 / (rank + 1) for rank in range(len(unions))],
                           k=enterprises)
        firms = [{"id": n, "user_id": user, "org_id": org, "name": f"企业{n}",
                  "uscc": f"91410100{n:010d}", "industry": "retail", "employees": 10,
                  "revenue_wan": 100, "size_class": "micro", "district_code": "410105",
                  "union_name": f"企业{n}工会", "union_uscc": f"81410100{n:010d}",
                  "union_established_on": date(2015, 1, 1), "bank_account_name": f"企业{n}",
                  "bank_name": "郑州银行", "bank_account_no": "6222020200001234",
                  "contact_name": "联系人", "contact_phone": "13900000001", "created_at": now}
                 for n, org in enumerate(orgs, start=1)]
        db.session.execute(sa.insert(Enterprise), firms)
        applications = [{"enterprise_id": firm["id"], "user_id": user, "policy_id": policy,
                         "org_id": firm["org_id"], "district_code": "410105",
                         "size_class": "micro", "year": 2020 + year, "paid_fen": 10000,
                         "refundable_fen": 4000, "eligible": True, "ineligible_reasons": [],
                         "status": rnd.choice(["submitted", "approved", "paid", "paid"]),
                         "version": 1, "created_at": now, "updated_at": now}
                        for year in range(years) for firm in firms]
        for first in range(0, len(applications), 2000):
            db.session.execute(sa.insert(RefundApplication), applications[first:first + 2000])
        db.session.commit()
        _analyze(["refund_enterprises", "refund_applications"])


def _audit_entries(app, unions: list[int], count: int = 6000) -> None:
    rnd = random.Random(20)
    now = clock.now()
    actions = ["member.export", "member.lookup", "join.approve", "refund.pay"]
    with app.app_context():
        rows = [{"at": now - timedelta(seconds=count - n), "actor_kind": "admin",
                 "actor_id": 1, "actor_name": "city_admin", "action": rnd.choice(actions),
                 "object_type": "member", "object_id": str(n), "org_id": rnd.choice(unions)}
                for n in range(count)]
        for first in range(0, count, 2000):
            db.session.execute(sa.insert(AuditEntry), rows[first:first + 2000])
        db.session.commit()
        _analyze(["audit_log"])


def plan_as(app, username: str, build, page_size: int = 20) -> tuple[list, list]:
    """The plans of the first page of `build()` (run as `username`) and of its total, as
    service/web/pages.py asks for them."""
    with app.test_request_context():
        g.admin = db.session.scalar(sa.select(Admin).where(Admin.username == username))
        statement = build()
        page = explain(statement.limit(page_size))
        total = explain(sa.select(sa.func.count()).select_from(
            without_hints(statement.order_by(None), keep_lookups=True).subquery()))
        db.session.rollback()
    return page, total


def _details(plan) -> str:
    return " | ".join(row["detail"] for row in plan)


def assert_newest_first_by_primary_key(plan, table: str) -> None:
    """MariaDB reads the page from the primary key backwards, nothing sorted. SQLite (for
    development; it takes no plan hint) reads the scope through an index, never the table
    whole; the city root's scope is every row with an org, so it reads the rowids backwards
    (no check of the orgs, nothing sorted)."""
    if ON_MYSQL:
        assert (plan[0]["table"], plan[0]["key"], plan[0]["type"]) == (
            table, "PRIMARY", "index"), plan
        assert not any("filesort" in (row["Extra"] or "") or "temporary" in (row["Extra"] or "")
                       for row in plan), plan
    else:
        details = _details(plan)
        if details.startswith(f"SCAN {table}") and " orgs " not in f"{details} ":
            assert "TEMP B-TREE" not in details, details
            return
        assert f"SEARCH {table} USING" in details, details
        assert f"SCAN {table}" not in details, details


def assert_uses(plan, table: str, *indexes: str) -> None:
    """`table` is read through one of `indexes`, never scanned whole."""
    if ON_MYSQL:
        rows = [row for row in plan if row["table"] == table]
        assert rows and all(set((row["key"] or "").split("|")) & set(indexes)
                            for row in rows), plan
        assert all(row["type"] not in ("ALL", "index") for row in rows), plan
    else:
        details = _details(plan)
        assert any(f"{table} USING INDEX {index}" in details
                   or f"{table} USING COVERING INDEX {index}" in details
                   for index in indexes), details
        assert f"SCAN {table}" not in details, details


MEMBER_ORG_INDEXES = ("ix_members_org_joined", "ix_members_org_occupation", "ix_members_org_status")


@pytest.mark.parametrize("username", ["city_admin", "jinshui_admin"])
def test_the_member_list_of_the_city_or_a_district_reads_a_page_not_the_scope(
        app, city, username):
    page, total = plan_as(app, username, lambda: member_query({}))
    assert_newest_first_by_primary_key(page, "members")
    # the total counts the scope's orgs' entries in the org index, not the members' rows
    # (the city root's: every member, tests/test_staff_list_city_plans.py)
    if username != "city_admin":
        assert_uses(total, "members", *MEMBER_ORG_INDEXES)


def test_the_member_list_of_one_union_reads_its_org_index(app, city):
    page, total = plan_as(app, "city_admin", lambda: member_query({"org_id": city[-1]}))
    assert_uses(page, "members", *MEMBER_ORG_INDEXES)
    assert_uses(total, "members", *MEMBER_ORG_INDEXES)


def test_a_name_search_reads_the_name_index(app, city):
    page, total = plan_as(app, "jinshui_admin", lambda: member_query({"q": "王00"}))
    # SQLite weighs the name index against the orgs' on its own statistics
    names = ("ix_members_name", "ix_members_name_org")
    assert_uses(page, "members", *names, *(() if ON_MYSQL else MEMBER_ORG_INDEXES))
    assert_uses(total, "members", *names, *MEMBER_ORG_INDEXES)
    # the city root's: the name's range alone, no org to check
    page, total = plan_as(app, "city_admin", lambda: member_query({"q": "王00"}))
    if ON_MYSQL:  # SQLite may read its rowids backwards instead, checking each name,
        assert_uses(page, "members", *names)
        assert_uses(total, "members", *names)
    else:  # and count from the name index alone (its LIKE ignores case: no range)
        assert "USING COVERING INDEX ix_members_name" in _details(total), total


@pytest.mark.parametrize("username", ["city_admin", "jinshui_admin"])
def test_the_pending_queue_reads_the_org_and_status_index(app, city, username):
    # The queue is worked through by due date: its pending rows, found by their index.
    pending, _ = plan_as(app, username, lambda: application_query({"status": "pending"}))
    # the city root's: the pending ones in the queue's order (every org is in its scope)
    assert_uses(pending, "join_applications", "ix_join_applications_org_status",
                "ix_join_applications_status_due_order")


def test_the_refund_queue_reads_a_page_newest_first(app, city):
    _refunds(app, city)
    page, total = plan_as(app, "city_finance", lambda: review.review_queue({}))
    assert_newest_first_by_primary_key(page, "refund_applications")
    if ON_MYSQL:  # the city root's total: the applications' own index, no org to check
        assert [row["table"] for row in total] == ["refund_applications"], total
        assert "Using index" in (total[0]["Extra"] or ""), total
    else:
        assert "orgs" not in _details(total), total
    _, total = plan_as(app, "jinshui_refunds", lambda: review.review_queue({}))
    assert_uses(total, "refund_applications", "ix_refund_applications_org_status")
    paid, _ = plan_as(app, "city_finance", lambda: review.review_queue({"status": "paid"}))
    assert_uses(paid, "refund_applications", "ix_refund_applications_org_status",
                "ix_refund_applications_status")


def test_the_audit_log_reads_a_page_newest_first(app, city):
    _audit_entries(app, city)
    for username in ("city_admin", "jinshui_admin"):
        with app.app_context():
            admin = db.session.scalar(sa.select(Admin).where(Admin.username == username))
            page = explain(audit.entries_in_scope(admin, {}).limit(20))
            assert_newest_first_by_primary_key(page, "audit_log")
            exports = explain(audit.entries_in_scope(admin, {"action": "member.export"})
                              .limit(20))
            assert_uses(exports, "audit_log", "ix_audit_log_action", "ix_audit_log_org_id")
            db.session.rollback()


def test_a_page_read_by_primary_key_is_the_page_the_definition_gives(app, city, client,
                                                                      staff):
    """The plan changes nothing but the speed: the first page as a district, by the API."""
    body = client.get("/api/v1/admin/members", query_string={"page_size": 20},
                      headers=staff("jinshui_admin")).get_json()
    with app.app_context():
        jinshui = db.session.scalar(sa.select(Org).where(Org.code == "JS"))
        expected = db.session.scalars(
            sa.select(Member.id).join(Org, Org.id == Member.org_id)
            .where(Org.path.startswith(jinshui.path)).order_by(Member.id.desc())
            .limit(20)).all()
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(Member).join(Org, Org.id == Member.org_id)
            .where(Org.path.startswith(jinshui.path)))
    assert [item["id"] for item in body["items"]] == expected and body["total"] == count
    assert count > 20
