"""The 工作台's station block at a size where the plan matters: 6,000 stations over the
city's grassroots unions (tests/test_staff_list_plans.py's tree). A scope's kept counts
are a range of the primary key of `station_counts`, the changes not yet folded in a range
of their org-path index, and neither reads the stations; the review queue's summary reads
the subtree's applications by their (org, status) index, the city's from (status,
created_at) alone; the refunds by status from (status, org, amounts) alone."""

import random

import sqlalchemy as sa

from service.demo.stations import generate_stations, insert_stations
from service.extensions import db
from service.identity.auth import act_as
from service.joining.review import waiting_query, waiting_summary
from service.models.accounts import Admin
from service.models.members import JoinApplication
from service.models.orgs import Org
from service.models.refund_applications import RefundApplication
from service.models.station_counts import StationCount, StationCountChange
from service.models.stations import Station
from service.refunds.ledger import status_overview, status_query
from service.stations import counts
from tests.helpers import ON_MYSQL, explain
from tests.test_staff_list_plans import _analyze, _grassroots, _people, _refunds

STATIONS = 6000


def _stations(app, unions) -> None:
    rnd = random.Random(18)
    with app.app_context():
        rows = list(generate_stations(STATIONS, org_ids=unions[0], code_prefix="PLAN"))
        for row in rows:
            row["org_id"] = rnd.choice(unions)
        insert_stations(rows)
        db.session.commit()


def _tables(plan) -> str:
    return " | ".join(row["detail"] for row in plan)


def test_a_scope_reads_its_counts_and_changes_by_key_ranges(app, demo_orgs):
    unions = _grassroots(app)
    _stations(app, unions)
    with app.app_context():
        district = db.session.scalar(sa.select(Org).where(Org.code == "JS"))
        root = db.session.scalar(sa.select(Org).where(Org.parent_id.is_(None)))
        changes = db.session.scalar(sa.select(sa.func.count()).select_from(StationCountChange))
        assert changes > 1000  # the bulk insert heard, a change per org and timetable
        _analyze(["station_count_changes"])
        change_plan = explain(counts.change_query(district))
        totals, _ = counts.kept(root)
        assert sum(totals.values()) == STATIONS
        counts.fold_if_due(force=True)
        _analyze(["station_counts"])
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(StationCount))
        count_plan = explain(counts.count_query(root))
        assert sum(counts.kept(root)[0].values()) == STATIONS
        in_district = db.session.scalar(sa.select(sa.func.count()).select_from(Station)
                                        .join(Org).where(Org.path.startswith(district.path)))
        assert sum(counts.kept(district)[0].values()) == in_district > 0
    if ON_MYSQL:
        assert [(row["table"], row["key"]) for row in change_plan] == [
            ("station_count_changes", "ix_station_count_changes_org_path")], change_plan
        assert change_plan[0]["type"] == "range"
        assert int(change_plan[0]["rows"]) < changes / 4, (change_plan, changes)
        assert [(row["table"], row["key"]) for row in count_plan] == [
            ("station_counts", "PRIMARY")], count_plan
        assert int(count_plan[0]["rows"]) < rows / 4, (count_plan, rows)
    else:
        assert "USING INDEX ix_station_count_changes_org_path" in _tables(change_plan), \
            change_plan
        assert "SEARCH station_counts USING PRIMARY KEY" in _tables(count_plan) or \
            "SEARCH station_counts USING INDEX sqlite_autoindex" in _tables(count_plan), \
            count_plan
        assert "stations " not in _tables(change_plan) + _tables(count_plan)


def test_the_queue_summary_reads_the_subtree_by_its_index(app, demo_orgs):
    unions = _grassroots(app)
    _people(app, unions, 3000, members=False)
    with app.app_context():
        _analyze(["join_applications", "orgs"])
        district = db.session.scalar(sa.select(Org).where(Org.code == "JS"))
        root = db.session.scalar(sa.select(Org).where(Org.parent_id.is_(None)))
        assert waiting_summary(root)["pending"] == 3000
        summary = waiting_summary(district)
        plan = explain(waiting_query(district))
        city_plan = explain(waiting_query(root))
        direct = db.session.scalar(
            sa.select(sa.func.count()).select_from(JoinApplication).join(Org)
            .where(Org.path.startswith(district.path), JoinApplication.status == "pending"))
        assert summary["pending"] == direct > 0
    if ON_MYSQL:
        keys = {row["table"]: row["key"] for row in plan}
        assert keys.get("join_applications") == "ix_join_applications_org_status", plan
        assert [(row["table"], row["key"]) for row in city_plan] == [
            ("join_applications", "ix_join_applications_status_created")], city_plan
        assert "Using index" in (city_plan[0]["Extra"] or ""), city_plan
    else:
        assert "ix_join_applications_org_status" in _tables(plan), plan
        assert "COVERING INDEX ix_join_applications_status_created" in _tables(city_plan), \
            city_plan


def test_the_refunds_by_status_read_an_index_alone(app, demo_orgs):
    unions = _grassroots(app)
    _people(app, unions, 10, members=False)  # the enterprises' account
    _refunds(app, unions)
    with app.test_request_context():
        act_as(db.session.scalar(sa.select(Admin).where(Admin.username == "city_admin")))
        shown = status_overview()
        plan = explain(status_query((sa.func.count(), sa.func.sum(RefundApplication.paid_fen),
                                     sa.func.sum(RefundApplication.refundable_fen),
                                     sa.func.sum(RefundApplication.payout_fen))))
        declared = sa.select(sa.func.count(), sa.func.sum(RefundApplication.refundable_fen)) \
            .where(RefundApplication.status != "draft")
        count, refundable = db.session.execute(declared).one()
    assert shown["totals"]["count"] == count == 5000
    assert shown["totals"]["refundable_fen"] == refundable
    assert sum(row["count"] for row in shown["by_status"]) == count
    if ON_MYSQL:
        assert [(row["table"], row["key"]) for row in plan] == [
            ("refund_applications", "ix_refund_applications_status_sums")], plan
        assert "Using index" in (plan[0]["Extra"] or ""), plan
    else:
        assert "COVERING INDEX ix_refund_applications_status_sums" in _tables(plan), plan
