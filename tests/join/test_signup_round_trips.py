"""A rider's sign-up at a hall (log in, bind the phone, apply): the statements each request
sends to the database, counted, so the collective sign-up's cost per rider cannot creep up."""

from sqlalchemy import event, func, select

from service.extensions import db
from service.models.figures import FigureChange
from service.models.members import JoinApplication
from service.models.orgs import Org
from tests.helpers import org_id
from tests.join.helpers import apply, form

# What each request must send, at most: the login finds no account, inserts it (in a
# savepoint, for two logins at once) and answers with no membership to read; the phone is
# the account's read, WeChat's access token (kept in the database here, with no Redis) and
# the account's update; the application reads the account, the org, the
# account's membership, the person's live application and the account's own, then writes
# the account's ID number, the application and its figure change (the org's path is the
# one the request already read).
MOST = {"login": 4, "phone": 3, "apply": 8}


def _statements(app, send) -> tuple[list[str], object]:
    sent = []

    def count(conn, cursor, statement, *args):
        sent.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    try:
        answer = send()
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", count)
    return sent, answer


def test_a_riders_three_requests_send_few_statements(app, client, wechat_fake):
    target = {"org_id": org_id(app, "JS-XW")}  # a union that reviews: the application waits
    body = form(target, seq=7)
    # The first phone binding fetches WeChat's access token and stores it: not a rider's.
    warmup = client.post("/api/v1/auth/wechat-login", json={"code": "user-warmup-1"})
    assert client.post("/api/v1/me/phone", json={"code": "phone-13900000001-1"}, headers={
        "Authorization": f"Bearer {warmup.get_json()['token']}"}).status_code == 200

    login, answer = _statements(app, lambda: client.post(
        "/api/v1/auth/wechat-login", json={"code": "user-hall-rider-1"}))
    assert answer.status_code == 200
    assert answer.get_json()["user"]["is_member"] is False
    headers = {"Authorization": f"Bearer {answer.get_json()['token']}"}
    phone, answer = _statements(app, lambda: client.post(
        "/api/v1/me/phone", json={"code": f"phone-{body['phone']}-1"}, headers=headers))
    assert answer.status_code == 200
    applied, answer = _statements(app, lambda: apply(client, headers, body))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["status"] == "pending"

    counts = {"login": len(login), "phone": len(phone), "apply": len(applied)}
    assert all(counts[name] <= MOST[name] for name in MOST), (counts, login + phone + applied)
    with app.app_context():
        stored = db.session.scalars(select(JoinApplication)).all()
        assert [(a.status, a.phone, a.org_id) for a in stored] == [
            ("pending", body["phone"], target["org_id"])]
        org = db.session.get(Org, target["org_id"])
        changes = db.session.execute(
            select(FigureChange.org_path, FigureChange.district_code, FigureChange.subject,
                   func.sum(FigureChange.delta))
            .group_by(FigureChange.org_path, FigureChange.district_code,
                      FigureChange.subject)).all()
        assert [tuple(row) for row in changes] == [
            (org.path, org.district_code, "application", 1)]
