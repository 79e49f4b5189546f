"""Small helpers shared by tests: the database asked for, logging in, reading orgs,
asserting errors, plans."""

import os

from sqlalchemy import select

from service.demo import DEMO_PASSWORD
from service.extensions import db
from service.models.orgs import Org

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_MYSQL = TEST_DATABASE_URL.startswith(("mysql", "mariadb"))


def assert_error(response, status: int, error: str | None = None) -> dict:
    """The response is the one error payload, with a Chinese message."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert {"code", "status", "error", "message"} <= set(body), body
    assert body["code"] == status
    if error is not None:
        assert body["error"] == error, body
    assert not body["message"].isascii(), "the message must be Chinese"
    return body


class StaffLogin:
    """Log a demo staff account in once and reuse its token."""

    def __init__(self, client):
        self.client = client
        self.tokens = {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            response = self.client.post("/api/v1/admin/auth/login",
                                        json={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, response.get_json()
            self.tokens[username] = response.get_json()["token"]
        return self.tokens[username]

    def __call__(self, username: str) -> dict:
        return {"Authorization": f"Bearer {self.token(username)}"}


def org_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Org.id).where(Org.code == code))


class MemberLogin:
    """Log a mini-program user in through the fake WeChat and reuse the token."""

    def __init__(self, client):
        self.client = client
        self.tokens = {}
        self.logins = 0

    def token(self, name: str) -> str:
        if name not in self.tokens:
            self.logins += 1
            response = self.client.post("/api/v1/auth/wechat-login",
                                        json={"code": f"user-{name}-{self.logins}"})
            assert response.status_code == 200, response.get_json()
            self.tokens[name] = response.get_json()["token"]
        return self.tokens[name]

    def __call__(self, name: str) -> dict:
        return {"Authorization": f"Bearer {self.token(name)}"}


def explain(statement) -> list[dict]:
    """The plan of `statement` as rows of dicts, in the dialect's own EXPLAIN."""
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    mysql = db.engine.dialect.name == "mysql"
    result = db.session.connection().exec_driver_sql(
        ("EXPLAIN " if mysql else "EXPLAIN QUERY PLAN ") + sql)
    return [dict(row._mapping) for row in result]
