"""The staff lists' totals: an unfiltered list (or one filtered only by what the figures
count by: the org subtree, the status, a new-employment group) takes its total from the
figures kept per org subtree, exact before the changes are folded in, after the fold and
after a rebuild, in the API and the console alike; any other filter counts its rows."""

import re

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from service.extensions import db
from service.joining import figures
from service.models.members import JoinApplication, Member
from service.models.orgs import Org
from tests.console.helpers import sign_in
from tests.helpers import org_id
from tests.join.helpers import applied, form

MEMBERS = "/api/v1/admin/members"
QUEUE = "/api/v1/admin/join/applications"


def direct(app, model, code: str, **equal) -> int:
    """How many rows of `model` lie in `code`'s subtree with the columns in `equal`."""
    with app.app_context():
        root = db.session.scalar(sa.select(Org).where(Org.code == code))
        scope = sa.select(Org.id).where(Org.path.startswith(root.path))
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(
            model.org_id.in_(scope), *[getattr(model, k) == v for k, v in equal.items()]))


def _changes(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(
            figures.FigureChange))


def _total(client, headers, path, **query) -> int:
    response = client.get(path, query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["total"]


def _lists(app) -> list[tuple]:
    """(path, query, model, code, columns the rows must hold): what the totals cover."""
    return [
        (MEMBERS, {}, Member, "ZZ", {}),
        (MEMBERS, {"status": "held"}, Member, "ZZ", {"status": "held"}),
        (MEMBERS, {"occupation": "courier"}, Member, "ZZ", {"occupation": "courier"}),
        (MEMBERS, {"org_id": org_id(app, "ZZ-ELM")}, Member, "ZZ-ELM", {}),
        (QUEUE, {}, JoinApplication, "ZZ", {}),
        (QUEUE, {"status": "pending"}, JoinApplication, "ZZ", {"status": "pending"}),
        (QUEUE, {"status": "approved"}, JoinApplication, "ZZ", {"status": "approved"}),
    ]


def _changed(app, client, member) -> None:
    """Members joined (two of them couriers), one moved by the ORM, one held by a
    statement; an application waiting in Jinshui."""
    mt, elm = org_id(app, "ZZ-MT"), org_id(app, "ZZ-ELM")
    for seq in range(1, 5):
        occupation = "courier" if seq % 2 else "food_delivery"
        applied(client, member(f"m{seq}"), form({"org_id": mt}, seq=seq, occupation=occupation))
    applied(client, member("p"), form({"org_id": org_id(app, "JS-XW")}, seq=9))
    with app.app_context():
        first, second = db.session.scalars(sa.select(Member.id).order_by(Member.id).limit(2))
        db.session.get(Member, first).org_id = elm
        db.session.commit()
        db.session.execute(sa.update(Member).where(Member.id == second)
                           .values(status="held", hold_reason="left_work"))
        db.session.commit()


def test_the_totals_are_exact_before_the_fold_after_it_and_after_a_rebuild(
        app, client, member, staff):
    _changed(app, client, member)
    city = staff("city_admin")
    assert _changes(app) > 0, "not folded yet: the changes are read beside the counts"
    expected = [direct(app, model, code, **equal) for _, _, model, code, equal in _lists(app)]
    assert expected == [4, 1, 2, 1, 5, 1, 4]
    for moment in ("before the fold", "after the fold", "after a rebuild"):
        if moment == "after the fold":
            with app.app_context():
                assert figures.fold_if_due(force=True) > 0
            assert _changes(app) == 0
        elif moment == "after a rebuild":
            with app.app_context():
                figures.rebuild()
        answered = [_total(client, city, path, **query) for path, query, *_ in _lists(app)]
        assert answered == expected, moment


def test_a_districts_totals_count_its_subtree_alone(app, client, member, staff):
    _changed(app, client, member)
    jinshui = staff("jinshui_admin")
    assert _total(client, jinshui, MEMBERS) == direct(app, Member, "JS") == 0
    assert _total(client, jinshui, QUEUE) == direct(app, JoinApplication, "JS") == 1
    assert _total(client, jinshui, QUEUE, status="pending") == 1


def _statements(app, client, requests) -> list[str]:
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(" ".join(statement.lower().split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        for request in requests:
            assert request().status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def _counts_of(statements, table: str) -> list[str]:
    return [s for s in statements if s.startswith("select count(")
            and re.search(rf"\bfrom {table}\b", s)]


@pytest.mark.parametrize("username", ["city_admin", "jinshui_admin"])
def test_the_api_and_the_console_count_no_row_for_an_unfiltered_total(
        app, client, member, staff, username):
    _changed(app, client, member)
    headers = staff(username)
    seen = _statements(app, client, [
        lambda: client.get(MEMBERS, headers=headers),
        lambda: client.get(MEMBERS, query_string={"page": 3, "page_size": 1}, headers=headers),
        lambda: client.get(QUEUE, headers=headers),
        lambda: client.get(QUEUE, query_string={"status": "pending"}, headers=headers)])
    sign_in(client, username)
    seen += _statements(app, client, [lambda: client.get("/console/review"),
                                      lambda: client.get("/console/members")])
    assert sum("figure_counts" in s for s in seen) == 6, seen
    assert not _counts_of(seen, "members") and not _counts_of(seen, "join_applications"), seen


def test_a_filter_the_figures_do_not_hold_counts_the_rows(app, client, member, staff):
    _changed(app, client, member)
    city = staff("city_admin")
    seen = _statements(app, client, [
        lambda: client.get(MEMBERS, query_string={"q": "张"}, headers=city),
        lambda: client.get(MEMBERS, query_string={"occupation": "other_platform"}, headers=city),
        lambda: client.get(QUEUE, query_string={"overdue": "false"}, headers=city)])
    assert not [s for s in seen if "figure_counts" in s], seen
    assert len(_counts_of(seen, "members")) == 2 and _counts_of(seen, "join_applications")
    assert _total(client, city, MEMBERS, q="张") == direct(app, Member, "ZZ") == 4
    assert _total(client, city, MEMBERS, occupation="other_platform") == 0
