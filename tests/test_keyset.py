"""Exports read their table in id order, a page at a time, with no sort of the whole set."""

import threading

import pytest
from sqlalchemy import select, text

from bench.data import load_refund_applications
from bench.people import load_member_chunk
from service.core.keyset import id_page, in_id_order
from service.extensions import db
from service.joining.export import roster_query
from service.models.members import Member
from service.models.orgs import Org, subtree_ids
from service.models.refund_applications import RefundApplication
from service.refunds.ledger import filtered, ledger_query
from service.refunds.policies import ensure_default_policies
from tests.helpers import explain

MEMBERS = REFUNDS = 3000


@pytest.fixture
def filled(app, demo_orgs):
    """Members over every org that takes them and refund applications over the districts."""
    with app.app_context():
        load_member_chunk(range(MEMBERS), first_user_id=1, first_application_id=1)
        ensure_default_policies()  # seeded by a migration, but cleared between MySQL tests
        load_refund_applications(REFUNDS)
        db.session.execute(text("ANALYZE TABLE members, orgs, refund_applications"
                                if db.engine.dialect.name == "mysql" else "ANALYZE"))
        db.session.commit()


def scoped(name: str, org_code: str = "ZZ"):
    """(statement, entity) of an export, limited to the subtree of `org_code`."""
    root = db.session.scalar(select(Org).where(Org.code == org_code))
    if name == "members":
        return roster_query().where(Member.org_id.in_(subtree_ids(root))), Member
    return (filtered(ledger_query(), {}, RefundApplication.org_id.in_(subtree_ids(root))),
            RefundApplication)


@pytest.mark.parametrize("name", ["members", "refunds"])
@pytest.mark.parametrize("org_code", ["ZZ", "JS"])
def test_a_page_reads_the_table_along_its_primary_key_and_sorts_nothing(app, filled, name,
                                                                        org_code):
    with app.app_context():
        statement, entity = scoped(name, org_code)
        plan = explain(id_page(statement, entity, after=MEMBERS // 2))
        mysql = db.engine.dialect.name == "mysql"
    table = entity.__tablename__
    if mysql:
        first = plan[0]
        assert (first["table"], first["key"], first["type"]) == (table, "PRIMARY", "range"), plan
        extras = " ".join(row["Extra"] or "" for row in plan)
        assert "filesort" not in extras and "temporary" not in extras, plan
    else:
        details = [row["detail"] for row in plan]
        assert not any("TEMP B-TREE" in detail for detail in details), details
        assert f"SEARCH {table} USING INTEGER PRIMARY KEY (rowid>?)" in details, details


@pytest.mark.parametrize("by_ids", [False, True])
@pytest.mark.parametrize("name", ["members", "refunds"])
def test_every_result_comes_once_in_id_order_across_pages(app, filled, name, by_ids):
    with app.app_context():
        statement, entity = scoped(name, "JS")
        expected = db.session.scalars(
            statement.with_only_columns(entity.id).order_by(entity.id)).all()
        read = list(in_id_order(statement, entity, size=64, by_ids=by_ids))
        assert len(expected) > 3 * 64
        assert [item.id for item in read] == expected
        # plain rows of the export's columns, not objects of the session
        columns = list(statement.selected_columns.keys())
        assert all(list(item._fields) == columns for item in read)


@pytest.mark.parametrize("by_ids", [False, True])
def test_a_read_stopped_early_leaves_no_reading_behind(app, filled, by_ids):
    """A download cut short closes the rows: the page read ahead is dropped, its thread
    and its connection end with it."""
    with app.app_context():
        statement, entity = scoped("members", "JS")
        rows = in_id_order(statement, entity, size=8, by_ids=by_ids)
        first = [next(rows) for _ in range(12)]
        rows.close()
    assert [row.id for row in first] == sorted(row.id for row in first)
    assert not [thread for thread in threading.enumerate()
                if thread.name == "export-read-ahead"]
