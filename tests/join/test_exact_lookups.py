"""Searching by a full ID number or phone: audited without the value, limited per account;
beside a masked ID staff see the birth year only."""

import io
import shutil

import pytest
import redis
import sqlalchemy as sa
from openpyxl import load_workbook

from service import create_app
from service.config import ConfigError, load_config
from service.extensions import db
from service.models.audit import AuditEntry
from tests.helpers import StaffLogin, assert_error, org_id
from tests.join.helpers import applied, form, id_number
from tests.join.test_members import make_member

MEMBERS = "/api/v1/admin/members"
QUEUE = "/api/v1/admin/join/applications"


def _lookups(app) -> list[AuditEntry]:
    with app.app_context():
        return db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "pii.exact_lookup").order_by(AuditEntry.id)).all()


def _audit_text(app) -> str:
    """Every column of every audit row, as the database holds it."""
    with app.app_context():
        rows = db.session.execute(sa.text("SELECT * FROM audit_log")).all()
    return "\n".join(repr(tuple(row)) for row in rows)


def test_exact_lookups_are_audited_without_the_value(app, client, member, staff):
    make_member(app, client, member, "a", seq=1, name="王小二")
    pending = applied(client, member("p"), form({"org_id": org_id(app, "JS-XW")}, seq=3))
    reviewer = staff("xyt_reviewer")
    assert client.get(MEMBERS, query_string={"q": id_number(1)},
                      headers=reviewer).get_json()["total"] == 1
    assert client.get(MEMBERS, query_string={"q": id_number(5)},
                      headers=reviewer).get_json()["total"] == 0
    assert client.get(MEMBERS, query_string={"q": "139 0000 0001"},
                      headers=reviewer).get_json()["total"] == 1
    found = client.get(QUEUE, query_string={"q": id_number(3)},
                       headers=staff("jinshui_reviewer")).get_json()
    assert [item["id"] for item in found["items"]] == [pending["id"]]
    client.get(MEMBERS, query_string={"q": "王"}, headers=reviewer)  # a name: not a lookup
    client.get(MEMBERS, query_string={"q": "0001"}, headers=reviewer)  # a phone's tail: a name
    entries = _lookups(app)
    assert [(e.actor_name, e.object_type, e.detail) for e in entries] == [
        ("xyt_reviewer", "member", {"field": "id_number", "found": True}),
        ("xyt_reviewer", "member", {"field": "id_number", "found": False}),
        ("xyt_reviewer", "member", {"field": "phone", "found": True}),
        ("jinshui_reviewer", "join_application", {"field": "id_number", "found": True}),
    ]
    assert all(e.at is not None and e.actor_kind == "admin" for e in entries)
    text = _audit_text(app)
    for value in (id_number(1), id_number(5), id_number(3), "13900000001", "139 0000 0001",
                  id_number(1)[-6:], "00000001"):
        assert value not in text


def test_an_exact_lookup_out_of_scope_is_not_found(app, client, member, staff):
    make_member(app, client, member, "a", seq=1)
    assert client.get(MEMBERS, query_string={"q": id_number(1)},
                      headers=staff("jinshui_reviewer")).get_json()["total"] == 0
    assert [e.detail["found"] for e in _lookups(app)] == [False]


def _limited(settings, **limits):
    """A client of an app that enforces rate limits (the test settings turn them off)."""
    client = create_app({**settings, "RATELIMIT_ENABLED": True, **limits}).test_client()
    return client, StaffLogin(client)


def test_the_31st_exact_lookup_in_an_hour_is_429(settings, app, client, member):
    make_member(app, client, member, "a", seq=1, staff=StaffLogin(client))
    client, staff = _limited(settings)  # the default EXACT_LOOKUP_LIMIT: 30 an hour
    reviewer = staff("xyt_reviewer")
    for n in range(30):
        url = MEMBERS if n % 2 else QUEUE  # one count across every list
        q = id_number(n + 1) if n % 3 else f"139{n + 1:08d}"
        assert client.get(url, query_string={"q": q}, headers=reviewer).status_code == 200
        assert client.get(url, query_string={"q": "王"}, headers=reviewer).status_code == 200
    body = assert_error(client.get(MEMBERS, query_string={"q": id_number(40)},
                                   headers=reviewer), 429, "rate_limited")
    assert "身份证号码" in body["message"]
    assert_error(client.get("/api/v1/admin/members/export", query_string={"q": "13900000001"},
                            headers=reviewer), 429, "rate_limited")
    # Names are not counted; another account has its own count.
    assert client.get(MEMBERS, query_string={"q": "张"}, headers=reviewer).status_code == 200
    assert client.get(MEMBERS, headers=reviewer).status_code == 200
    assert client.get(MEMBERS, query_string={"q": id_number(1)},
                      headers=staff("city_admin")).status_code == 200
    assert len(_lookups(app)) == 31, "refused lookups are not run"


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_the_count_is_shared_through_redis(settings, app, redis_server):
    url, _ = redis_server
    first, staff = _limited(settings, REDIS_URL=url, EXACT_LOOKUP_LIMIT="2 per hour")
    second, _ = _limited(settings, REDIS_URL=url, EXACT_LOOKUP_LIMIT="2 per hour")
    headers = staff("xyt_reviewer")  # one token works on both: the same secret key
    statuses = [c.get(MEMBERS, query_string={"q": id_number(1)}, headers=headers).status_code
                for c in (first, second, second)]
    assert statuses == [200, 200, 429]
    assert redis.Redis.from_url(url).keys("*/admin:*/exact_lookup/*"), "counted in Redis"


def test_the_limit_is_a_setting(settings, app):
    client, staff = _limited(settings, EXACT_LOOKUP_LIMIT="2 per hour")
    headers = staff("xyt_reviewer")
    statuses = [client.get(MEMBERS, query_string={"q": id_number(n)},
                           headers=headers).status_code for n in (1, 2, 3)]
    assert statuses == [200, 200, 429]
    with pytest.raises(ConfigError, match="EXACT_LOOKUP_LIMIT"):
        load_config({"EXACT_LOOKUP_LIMIT": "thirty an hour"})


def test_beside_a_masked_id_staff_see_the_birth_year_only(app, client, member, staff):
    member_id = make_member(app, client, member, "a", seq=1)
    pending = applied(client, member("p"), form({"org_id": org_id(app, "JS-XW")}, seq=3))
    number = id_number(1)
    for who, url in (("xyt_reviewer", MEMBERS), ("xyt_reviewer", f"{MEMBERS}/{member_id}"),
                     ("city_admin", MEMBERS), ("jinshui_reviewer", QUEUE),
                     ("jinshui_reviewer", f"{QUEUE}/{pending['id']}")):
        body = client.get(url, headers=staff(who)).get_json()
        item = body["items"][0] if "items" in body else body
        assert "birth_date" not in item and item["birth_year"] == 1990, url
        assert item["gender"] == "male"
        assert item["id_number"] in (number[:3] + "*" * 14 + number[-1],
                                     id_number(3)[:3] + "*" * 14 + id_number(3)[-1])
        assert len(item["id_number"]) == 18
    sheet = load_workbook(io.BytesIO(client.get(f"{MEMBERS}/export", query_string={
        "org_id": org_id(app, "ZZ-MT")}, headers=staff("city_admin")).data)).active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert header[3] == "出生年份" and row[3] == 1990
    assert row[4] == number[:3] + "*" * 14 + number[-1]
