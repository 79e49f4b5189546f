"""The staff figures kept as counts: after any change they answer what counting the rows
answers (before the fold, after it and after a rebuild), the worker folds once a minute,
a district sees only its subtree, and the request path reads no member row."""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import event

from service.core import clock
from service.extensions import db
from service.joining import figures
from service.models import figure_capture
from service.models.figures import FigureChange, FigureCount
from service.models.members import JoinApplication, Member
from service.models.orgs import Org
from tests.console.helpers import sign_in
from tests.helpers import org_id
from tests.join.helpers import applied, form

OVERVIEW = "/api/v1/admin/stats/overview"
GROUPS = "/api/v1/admin/stats/groups"


def direct(app, code: str) -> dict:
    """The figures of `code`'s subtree by counting the rows themselves."""
    with app.app_context():
        root = db.session.scalar(sa.select(Org).where(Org.code == code))
        scope = sa.select(Org.id).where(Org.path.startswith(root.path))
        members = dict(db.session.execute(sa.select(Member.status, sa.func.count())
                                          .where(Member.org_id.in_(scope))
                                          .group_by(Member.status)).all())
        applications = dict(db.session.execute(
            sa.select(JoinApplication.status, sa.func.count())
            .where(JoinApplication.org_id.in_(scope)).group_by(JoinApplication.status)).all())
    return {"members": sum(members.values()), "held": members.get("held", 0),
            "applications": applications}


def answered(client, headers) -> dict:
    body = client.get(OVERVIEW, headers=headers).get_json()
    groups = client.get(GROUPS, headers=headers).get_json()["items"]
    return {"members": body["members"]["total"],
            "held": sum(row["held_members"] for row in groups),
            "applications": {k: v for k, v in body["applications"]["by_status"].items() if v}}


def _changes(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(FigureChange))


def test_the_figures_equal_the_direct_count_after_changes(app, client, member, staff):
    mt, elm = org_id(app, "ZZ-MT"), org_id(app, "ZZ-ELM")
    for seq in range(1, 5):
        applied(client, member(f"m{seq}"), form({"org_id": mt}, seq=seq, occupation="courier"))
    applied(client, member("p"), form({"org_id": org_id(app, "JS-XW")}, seq=9))
    with app.app_context():
        first, second = db.session.scalars(sa.select(Member.id).order_by(Member.id).limit(2))
        db.session.get(Member, first).org_id = elm  # moved by the ORM
        db.session.commit()
        db.session.execute(sa.update(Member).where(Member.id == second)  # by a statement
                           .values(status="held", hold_reason="left_work"))
        db.session.commit()
    city = staff("city_admin")
    expected = direct(app, "ZZ")
    assert expected["members"] == 4 and expected["held"] == 1
    assert answered(client, city) == {**expected, "applications": expected["applications"]}
    assert _changes(app) > 0, "not folded yet: the changes are read beside the counts"
    with app.app_context():
        assert figures.fold_if_due(force=True) > 0
    assert _changes(app) == 0
    assert answered(client, city) == expected
    with app.app_context():
        db.session.execute(sa.update(Member).where(Member.id == second)
                           .values(status="active", hold_reason=None))
        db.session.commit()
        figures.rebuild()
    assert answered(client, city) == direct(app, "ZZ")
    assert _changes(app) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.sum(FigureCount.count)).where(
            FigureCount.scope_id == org_id(app, "ZZ"), FigureCount.subject == "member",
            FigureCount.period == "all")) == 4


def test_the_worker_folds_once_a_minute(app, client, member, staff):
    start = clock.now()
    app.config["FIXED_NOW"] = start
    with app.app_context():
        figures.fold_if_due()  # the first fold
    applied(client, member("a"), form({"org_id": org_id(app, "ZZ-MT")}))
    waiting = _changes(app)
    assert waiting > 0
    with app.app_context():
        assert figures.fold_if_due(start + timedelta(seconds=59)) is None
    assert _changes(app) == waiting
    assert answered(client, staff("city_admin"))["members"] == 1, "never stale meanwhile"
    with app.app_context():
        assert figures.fold_if_due(start + timedelta(seconds=60)) == waiting
    assert _changes(app) == 0
    assert answered(client, staff("city_admin"))["members"] == 1


def test_a_district_sees_only_its_subtree(app, client, member, staff):
    applied(client, member("a"), form({"org_id": org_id(app, "ZZ-MT")}, seq=1))
    applied(client, member("b"), form({"org_id": org_id(app, "JS-XW")}, seq=2))
    with app.app_context():
        figures.rebuild()
        db.session.execute(sa.update(JoinApplication).values(status="rejected",
                                                              active_person_index=None)
                           .where(JoinApplication.status == "pending"))
        db.session.commit()
    jinshui = answered(client, staff("jinshui_admin"))
    assert jinshui == direct(app, "JS") == {"members": 0, "held": 0,
                                            "applications": {"rejected": 1}}
    assert answered(client, staff("city_admin"))["members"] == 1


def test_the_figures_read_no_member_row(app, client, member, staff):
    applied(client, member("a"), form({"org_id": org_id(app, "ZZ-MT")}))
    with app.app_context():
        figures.rebuild()
        engine = db.engine
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement.lower())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        for path in (OVERVIEW, GROUPS):
            assert client.get(path, headers=staff("city_admin")).status_code == 200
        sign_in(client, "city_admin")
        assert "近12周新入会会员数" in client.get("/console/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert any("figure_counts" in s for s in statements)
    assert not [s for s in statements if " members" in s], statements
    # Only the review queue's size (pending ones, an index range of (org, status)) is counted.
    assert not [s for s in statements if "from join_applications" in s and "count(" in s
                and "join_applications.status = " not in s], statements


def test_an_org_moved_to_another_district_moves_its_figures(app, client, member, staff):
    applied(client, member("a"), form({"org_id": org_id(app, "ZZ-MT")}))
    with app.app_context():
        figures.rebuild()
        org = db.session.scalar(sa.select(Org).where(Org.code == "ZZ-MT"))
        before = org.district_code
        org.district_code = "410103"
        db.session.commit()
    items = client.get(GROUPS, headers=staff("city_admin")).get_json()["items"]
    assert {row["district_code"] for row in items if row["members"]} == {"410103"} != {before}
    with app.app_context():
        figures.fold_if_due(force=True)
    assert client.get(GROUPS, headers=staff("city_admin")).get_json()["items"] == items


def test_a_bulk_load_is_counted_by_the_rebuild(app, client, member, staff):
    applied(client, member("a"), form({"org_id": org_id(app, "ZZ-MT")}))
    with app.app_context():
        figures.rebuild()
        with figure_capture.bulk_load(db.session):
            db.session.execute(sa.update(Member).values(status="held", hold_reason="left_work"))
        db.session.commit()
    assert _changes(app) == 0
    assert answered(client, staff("city_admin"))["held"] == 0, "not heard: bulk"
    with app.app_context():
        figures.rebuild()
    assert answered(client, staff("city_admin")) == direct(app, "ZZ")
    assert direct(app, "ZZ")["held"] == 1
