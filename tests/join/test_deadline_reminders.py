"""`flask deadlines remind` at size: its reads do not grow with the items it reminds of."""

from datetime import UTC, datetime

from sqlalchemy import event, func, select

from service.extensions import db
from service.joining.deadlines import remind
from service.models.lifecycle import DeadlineReminder
from tests.helpers import org_id
from tests.join.helpers import applied, form


def _reads_of_a_run(app) -> tuple[int, dict]:
    """SELECT statements one run sends, and what it counted."""
    reads = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            counts = remind()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    return len(reads), dict(counts)


def _sign_up(client, member, target: dict, seqs: range) -> None:
    for seq in seqs:
        body = applied(client, member(f"rider{seq}"), form(target, seq=seq))
        assert body["status"] == "pending"


def test_the_run_reads_the_same_whatever_the_number_of_items(app, client, member):
    target = {"org_id": org_id(app, "JS-XW")}  # a union that reviews its applications
    app.config["FIXED_NOW"] = datetime(2026, 3, 2, 4, tzinfo=UTC)
    _sign_up(client, member, target, range(1, 3))
    app.config["FIXED_NOW"] = datetime(2026, 4, 1, 4, tzinfo=UTC)  # all past due
    few_reads, few = _reads_of_a_run(app)
    assert few["escalated"] >= 2 and few["due_soon"] == 0

    _sign_up(client, member, target, range(3, 11))
    app.config["FIXED_NOW"] = datetime(2026, 5, 6, 4, tzinfo=UTC)
    with app.app_context():
        written_before = db.session.scalar(select(func.count(DeadlineReminder.id)))
    many_reads, many = _reads_of_a_run(app)
    # The 8 new items are escalated to the same reviewers; the first 2 are not again.
    assert many["escalated"] == few["escalated"] * 4
    with app.app_context():
        assert db.session.scalar(select(func.count(DeadlineReminder.id))) == (
            written_before + many["escalated"])
    assert many_reads == few_reads
