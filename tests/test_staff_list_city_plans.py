"""The rest of the staff lists' plans at a size where the plan matters (the fixtures of
tests/test_staff_list_plans.py): the city root reads its lists and totals without joining
each row to its org, a later page picks its ids by the first page's plan, the review queue
is read in its due-date order from an index, and the searches and filters (a phone's last
four digits, an occupation, a name as a district) are counted from an index alone."""

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import g
from openpyxl import load_workbook

from service.extensions import db
from service.identity import audit
from service.joining import figures
from service.joining.review import application_query
from service.joining.roster import member_query
from service.models.accounts import Admin
from service.models.figures import MEMBER, FigureCount
from service.models.members import JoinApplication, Member
from service.models.orgs import Org
from tests.helpers import ON_MYSQL, explain
from tests.test_staff_list_plans import (
    MEMBER_ORG_INDEXES,
    MEMBERS,
    _analyze,
    _audit_entries,
    _details,
    _grassroots,
    _people,
    assert_newest_first_by_primary_key,
    assert_uses,
    plan_as,
)

PENDING = 600


@pytest.fixture
def city(app, demo_orgs):
    """The city of tests/test_staff_list_plans.py, its members' phones ending in four
    digits of their own (one in ten thousand of a city's share a tail)."""
    unions = _grassroots(app)
    _people(app, unions, MEMBERS, members=True)
    with app.app_context():
        ids = db.session.scalars(sa.select(Member.id)).all()
        db.session.execute(sa.update(Member), [
            {"id": n, "phone_tail": f"{n * 7 % 10_000:04d}"} for n in ids])
        db.session.commit()
        _analyze(["members"])
    return unions


def assert_reads_alone(plan, table: str, *indexes: str) -> None:
    """`table` is the only table read (no join to the orgs), through one of `indexes` alone
    when given (never its rows)."""
    if ON_MYSQL:
        assert [row["table"] for row in plan] == [table], plan
        if indexes:
            assert plan[0]["key"] in indexes and "Using index" in (plan[0]["Extra"] or ""), plan
    else:
        details = _details(plan)
        assert "orgs" not in details, details
        if indexes:
            assert any(f"{table} USING COVERING INDEX {index}" in details
                       for index in indexes), details


def assert_newest_first_alone(plan, table: str) -> None:
    """The city root's page: `table` read newest first by primary key (SQLite: its rowids
    backwards), no other table, nothing sorted."""
    if ON_MYSQL:
        assert_newest_first_by_primary_key(plan, table)
        assert_reads_alone(plan, table)
    else:
        assert _details(plan) == f"SCAN {table}", plan


def assert_in_queue_order(plan, index: str) -> None:
    """The queue is read from `index` in its order: nothing sorted."""
    if ON_MYSQL:
        rows = [row for row in plan if row["table"] == "join_applications"]
        assert rows[0]["key"] == index, plan
        assert not any("filesort" in (row["Extra"] or "") for row in plan), plan
    elif f"join_applications USING INDEX {index}" in _details(plan):
        assert "TEMP B-TREE" not in _details(plan), plan
    else:  # SQLite takes no plan hint: for a district it may sort the org index's rows
        assert_uses(plan, "join_applications", "ix_join_applications_org_status")


def test_the_city_roots_member_total_reads_one_index_of_the_members_alone(app, city):
    page, total = plan_as(app, "city_admin", lambda: member_query({}))
    assert_newest_first_alone(page, "members")
    assert_reads_alone(total, "members")


@pytest.mark.parametrize("username", ["city_admin", "jinshui_admin"])
def test_a_later_page_picks_its_ids_by_the_first_pages_plan(app, city, username):
    with app.test_request_context():
        g.admin = db.session.scalar(sa.select(Admin).where(Admin.username == username))
        statement = member_query({})
        ids = explain(statement.with_only_columns(Member.id).limit(20).offset(980))
        db.session.rollback()
    if username == "city_admin":
        assert_newest_first_alone(ids, "members")
    else:
        assert_newest_first_by_primary_key(ids, "members")


@pytest.mark.parametrize("username", ["city_admin", "jinshui_admin"])
def test_a_later_page_is_the_page_the_definition_gives(app, city, client, staff, username):
    """Page 10 of 20, by the API: the same members and total as the plain query's."""
    body = client.get("/api/v1/admin/members", query_string={"page_size": 20, "page": 10},
                      headers=staff(username)).get_json()
    with app.app_context():
        org = db.session.scalar(sa.select(Admin).where(Admin.username == username)).org
        scope = sa.select(Member.id).join(Org, Org.id == Member.org_id).where(
            Org.path.startswith(org.path))
        expected = db.session.scalars(scope.order_by(Member.id.desc())
                                      .limit(20).offset(180)).all()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(scope.subquery()))
    assert len(expected) == 20
    assert [item["id"] for item in body["items"]] == expected and body["total"] == count


def test_a_phone_tail_search_reads_the_tail_index(app, city):
    for username in ("city_admin", "jinshui_admin"):
        page, total = plan_as(app, username, lambda: member_query({"q": "0001"}))
        assert_uses(page, "members", "ix_members_phone_tail")
        assert_uses(total, "members", "ix_members_phone_tail")


def test_an_occupation_is_counted_from_an_index(app, city):
    page, total = plan_as(app, "city_admin", lambda: member_query({"occupation": "courier"}))
    if ON_MYSQL:
        assert_newest_first_alone(page, "members")
    assert_reads_alone(total, "members", "ix_members_occupation_org")
    page, total = plan_as(app, "jinshui_admin",
                          lambda: member_query({"occupation": "courier"}))
    assert_newest_first_by_primary_key(page, "members")
    assert_uses(total, "members", "ix_members_org_occupation", "ix_members_occupation_org")


def test_a_name_search_is_counted_from_an_index(app, city):
    _, total = plan_as(app, "city_admin", lambda: member_query({"q": "王"}))
    assert_reads_alone(total, "members", "ix_members_name", "ix_members_name_org")
    # A district's: the name's range of the (name, org) index, each org checked there,
    # for the page and its total; never every member of its orgs read for the name.
    page, total = plan_as(app, "jinshui_admin", lambda: member_query({"q": "王"}))
    if ON_MYSQL:
        assert_uses(page, "members", "ix_members_name_org")
        assert_uses(total, "members", "ix_members_name_org")
        assert "Using index" in (next(row for row in total if row["table"] == "members")
                                 ["Extra"] or ""), total
    else:  # SQLite (development) takes no plan hint: an index of its choice
        assert_uses(total, "members", "ix_members_name_org", "ix_members_name",
                    *MEMBER_ORG_INDEXES)


def test_a_districts_name_search_lists_and_exports_what_the_definition_gives(
        app, city, client, staff):
    """The page, its total and the export of a name in a district: the members of its
    subtree whose name starts with it, newest first."""
    with app.app_context():
        root = db.session.scalar(sa.select(Admin).where(Admin.username == "jinshui_admin")).org
        subtree = sa.select(Org.id).where(Org.path.startswith(root.path))
        expected = db.session.scalars(sa.select(Member.id).where(
            Member.org_id.in_(subtree), Member.name.startswith("王"))
            .order_by(Member.id.desc())).all()
    assert expected
    body = client.get("/api/v1/admin/members", query_string={"q": "王", "page_size": 20},
                      headers=staff("jinshui_admin")).get_json()
    assert body["total"] == len(expected)
    assert [item["id"] for item in body["items"]] == expected[:20]
    export = client.get("/api/v1/admin/members/export", query_string={"q": "王"},
                        headers=staff("jinshui_admin"))
    assert export.status_code == 200, export.get_data(as_text=True)[:300]
    sheet = load_workbook(io.BytesIO(export.data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + len(expected) + 1  # the header, the members, the totals row
    assert rows[-1][:2] == ("合计", f"{len(expected)}人")


@pytest.fixture
def queue(app, city):
    """Pending applications with due dates beside the city's approved ones (none due)."""
    _people(app, city, PENDING, members=False)
    with app.app_context():
        pending = db.session.scalars(sa.select(JoinApplication.id).where(
            JoinApplication.status == "pending")).all()
        db.session.execute(sa.update(JoinApplication), [
            {"id": n, "due_on": date(2026, 12, 1) + timedelta(days=n % 9)} for n in pending])
        db.session.commit()
        _analyze(["join_applications"])
    return city


@pytest.mark.parametrize("username", ["city_admin", "jinshui_admin"])
def test_the_review_queue_is_read_in_due_date_order_from_its_index(app, queue, username):
    page, _ = plan_as(app, username, lambda: application_query({}))
    assert_in_queue_order(page, "ix_join_applications_due_order")
    _, total = plan_as(app, username, lambda: application_query({}))
    if username == "city_admin":
        assert_reads_alone(total, "join_applications")


def test_the_city_roots_pending_queue_is_read_in_due_date_order(app, queue):
    page, total = plan_as(app, "city_admin", lambda: application_query({"status": "pending"}))
    assert_in_queue_order(page, "ix_join_applications_status_due_order")
    assert_reads_alone(total, "join_applications", "ix_join_applications_status_due_order",
                       "ix_join_applications_status_created")


def test_the_queue_by_index_is_the_queue_the_definition_gives(app, queue, client, staff):
    """Due first (oldest due date, then id), those without a due date after, by id: every
    page of a district's queue, by the API."""
    pages = [client.get("/api/v1/admin/join/applications",
                        query_string={"page_size": 100, "page": page},
                        headers=staff("jinshui_admin")).get_json() for page in range(1, 9)]
    with app.app_context():
        jinshui = db.session.scalar(sa.select(Org).where(Org.code == "JS"))
        rows = db.session.execute(
            sa.select(JoinApplication.id, JoinApplication.due_on)
            .join(Org, Org.id == JoinApplication.org_id)
            .where(Org.path.startswith(jinshui.path))).all()
    rows.sort(key=lambda row: (row.due_on is None, row.due_on or date.min, row.id))
    assert 100 < len(rows) < 800 and rows[0].due_on is not None and rows[-1].due_on is None
    assert [item["id"] for page in pages for item in page["items"]] == [row.id for row in rows]
    assert {page["total"] for page in pages} == {len(rows)}


def test_the_city_roots_audit_log_reads_the_log_alone(app, city):
    _audit_entries(app, city)
    with app.app_context():
        admin = db.session.scalar(sa.select(Admin).where(Admin.username == "city_admin"))
        statement = audit.entries_in_scope(admin, {})
        page = explain(statement.limit(20))
        total = explain(sa.select(sa.func.count()).select_from(
            statement.order_by(None).subquery()))
        db.session.rollback()
    assert_newest_first_alone(page, "audit_log")
    assert_reads_alone(total, "audit_log")


@pytest.mark.parametrize("username", ["city_admin", "jinshui_admin"])
def test_an_unfiltered_total_reads_the_figures_by_key_not_the_members(app, city, username):
    """The total of a list filtered by nothing the figures do not count by: a range of the
    counts' primary key and one of the changes' org path index; no member row."""
    with app.app_context():
        figures.rebuild()
        _analyze(["figure_counts", "figure_changes"])
        root = db.session.scalar(sa.select(Admin).where(Admin.username == username)).org
        held = db.session.scalar(sa.select(sa.func.count()).select_from(FigureCount))
        plans = [explain(figures.total_query(root.id, root.path, MEMBER, **narrowed))
                 for narrowed in ({}, {"status": "active", "group": "courier"})]
        total = figures.subtree_total(db.session, root.id, root.path, MEMBER)
        scope = sa.select(Org.id).where(Org.path.startswith(root.path))
        assert total == db.session.scalar(sa.select(sa.func.count()).select_from(Member)
                                          .where(Member.org_id.in_(scope))) > 0
    for plan in plans:
        if ON_MYSQL:
            tables = {row["table"]: row for row in plan if row["table"]}
            assert set(tables) <= {"figure_counts", "figure_changes", None}, plan
            assert tables["figure_counts"]["key"] == "PRIMARY", plan
            assert tables["figure_counts"]["type"] in ("ref", "range"), plan
            assert int(tables["figure_counts"]["rows"]) < held / 4, (plan, held)
            assert tables["figure_changes"]["key"] == "ix_figure_changes_org_path", plan
        else:
            details = _details(plan)
            # the primary key (SQLite's index of it): one scope, subject and period
            assert ("SEARCH figure_counts USING INDEX sqlite_autoindex_figure_counts_1 "
                    "(scope_id=? AND subject=? AND period=?") in details, details
            assert "figure_changes USING INDEX ix_figure_changes_org_path" in details, details
            assert "members" not in details, details
