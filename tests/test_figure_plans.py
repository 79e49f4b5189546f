"""The kept figures' read at a size where the plan matters: a city of 16 districts and
960 grassroots unions, 6,000 members. The city root's overview reads a range of the
primary key of `figure_counts` per scope (MariaDB's EXPLAIN; SQLite's query plan), never
the members, and never the counts table whole."""

import sqlalchemy as sa

from service.core import clock
from service.extensions import db
from service.joining import figures
from service.models.figures import ALL, MEMBER, FigureCount, month_period, month_starts
from service.models.orgs import Org
from tests.helpers import ON_MYSQL, explain
from tests.test_staff_list_plans import MEMBERS, _analyze, _grassroots, _people


def test_the_city_overview_reads_a_key_range_per_scope(app, demo_orgs):
    unions = _grassroots(app)
    _people(app, unions, MEMBERS, members=True)
    with app.app_context():
        assert figures.rebuild() > 1000
        _analyze(["figure_counts"])
        root = db.session.scalar(sa.select(Org).where(Org.parent_id.is_(None)))
        children = db.session.scalars(sa.select(Org.id).where(Org.parent_id == root.id)).all()
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(FigureCount))
        months = [month_period(start) for start in month_starts(clock.now())]
        plan = explain(figures.count_query([root.id, *children], MEMBER, [ALL, *months]))
        assert db.session.scalar(sa.select(sa.func.sum(FigureCount.count)).where(
            FigureCount.scope_id == root.id, FigureCount.subject == MEMBER,
            FigureCount.period == ALL)) == MEMBERS
    if ON_MYSQL:
        assert [(row["table"], row["key"], row["type"]) for row in plan] == [
            ("figure_counts", "PRIMARY", "range")], plan
        assert int(plan[0]["rows"]) < rows / 4, (plan, rows)
    else:
        details = " | ".join(row["detail"] for row in plan)
        assert "SEARCH figure_counts USING" in details and "members" not in details, details
