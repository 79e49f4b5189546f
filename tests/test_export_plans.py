"""The exports' plans at a size where the plan matters (the city of
tests/test_staff_list_plans.py): a district's roster finds its ids in an org index alone
and then reads only its own members, by primary key, a list of ids a page; the city's
roster and ledger are read along the primary key with no condition on the orgs at all."""

import pytest
import sqlalchemy as sa
from flask import g

from bench.data import load_refund_applications
from service.core.keyset import ID_LIST, id_page, ids_of, listed_page
from service.extensions import db
from service.joining.export import roster_query, whole_city
from service.joining.roster import member_query
from service.models.accounts import Admin
from service.models.members import Member
from service.models.orgs import Org
from service.models.refund_applications import RefundApplication
from service.refunds.ledger import LedgerRows, filtered, ledger_query
from service.refunds.policies import ensure_default_policies
from tests.helpers import ON_MYSQL, explain
from tests.test_staff_list_plans import (
    MEMBER_ORG_INDEXES,
    MEMBERS,
    _analyze,
    _grassroots,
    _people,
)


@pytest.fixture
def city(app, demo_orgs):
    """Members over the grassroots unions of every district, refund applications over the
    districts."""
    _people(app, _grassroots(app), MEMBERS, members=True)
    with app.app_context():
        ensure_default_policies()  # seeded by a migration, but cleared between MySQL tests
        load_refund_applications(3000)
        _analyze(["orgs", "members", "refund_applications"])


def roster_as(app, username: str, filters: dict | None = None):
    """The roster export's statement for `username`, and whether it is the whole city."""
    with app.test_request_context():
        g.admin = db.session.scalar(sa.select(Admin).where(Admin.username == username))
        return member_query(filters or {}, roster_query()), whole_city(filters or {})


def test_only_the_city_roster_with_no_filter_is_read_along_the_primary_key(app, city):
    assert roster_as(app, "city_admin")[1] is True
    assert roster_as(app, "city_admin", {"status": "active"})[1] is False
    assert roster_as(app, "jinshui_admin")[1] is False
    with app.test_request_context():
        district = db.session.scalar(sa.select(Org.id).where(Org.code == "JS"))
    assert roster_as(app, "city_admin", {"org_id": district})[1] is False


def test_a_districts_roster_finds_its_ids_in_an_org_index_alone(app, city):
    statement, _ = roster_as(app, "jinshui_admin")
    with app.app_context():
        plan = explain(ids_of(statement, Member))
        ids = db.session.scalars(ids_of(statement, Member)).all()
        in_district = db.session.scalar(sa.select(sa.func.count()).select_from(
            statement.subquery()))
    assert ids == sorted(ids) and len(ids) == in_district > 200
    if ON_MYSQL:
        members = [row for row in plan if row["table"] == "members"]
        assert len(members) == 1, plan
        assert members[0]["key"] in MEMBER_ORG_INDEXES, plan
        assert members[0]["type"] == "ref" and "Using index" in members[0]["Extra"], plan
    else:
        details = " ".join(row["detail"] for row in plan)
        assert "SEARCH members USING COVERING INDEX ix_members_org_" in details, plan


@pytest.mark.parametrize("username", ["jinshui_admin", "city_admin"])
def test_a_page_of_ids_reads_those_members_by_primary_key_and_no_other(app, city, username):
    statement, _ = roster_as(app, username, {"status": "active"})
    with app.app_context():
        ids = db.session.scalars(ids_of(statement, Member)).all()[:ID_LIST]
        page = listed_page(statement, Member, ids)
        plan = explain(page)
        rows = db.session.execute(page).all()
    assert [row.id for row in rows] == ids and len(ids) > 200
    if ON_MYSQL:
        first = plan[0]
        assert (first["table"], first["key"], first["type"]) == ("members", "PRIMARY",
                                                                 "range"), plan
        assert int(first["rows"]) <= ID_LIST, plan
        extras = " ".join(row["Extra"] or "" for row in plan)
        assert "filesort" not in extras and "temporary" not in extras, plan
        assert not any("derived" in str(row["table"]) for row in plan), plan
    else:
        details = [row["detail"] for row in plan]
        assert "SEARCH members USING INTEGER PRIMARY KEY (rowid=?)" in details, details
        assert not any("TEMP B-TREE" in detail for detail in details), details


def test_the_citys_ledger_pages_join_no_list_of_the_citys_orgs(app, city):
    with app.test_request_context():
        g.admin = db.session.scalar(sa.select(Admin).where(Admin.username == "city_finance"))
        rows = LedgerRows({})
        assert rows.by_ids is False
        page = id_page(filtered(ledger_query(), {}, rows.in_scope), RefundApplication, 0)
        plan = explain(page)
        district = LedgerRows({"district_code": "410105"})
        assert district.by_ids is True
    if ON_MYSQL:
        assert [row["table"] for row in plan] == [
            "refund_applications", "refund_enterprises", "orgs"], plan
        assert (plan[0]["key"], plan[0]["type"]) == ("PRIMARY", "range"), plan
        assert all(row["type"] == "eq_ref" for row in plan[1:]), plan
    else:
        details = " ".join(row["detail"] for row in plan)
        assert "ix_orgs_path" not in details and "SUBQUERY" not in details, plan
