"""Keys can be retired: `flask pii rotate` re-encrypts under the newest DATA_KEY, `flask pii
reindex` moves the blind index to a new BLIND_INDEX_KEY; afterwards the old keys go and every
search, dedupe and decryption still works. Both resume after being stopped part way."""

import base64
import os

import pytest
import sqlalchemy as sa

from service import create_app
from service.core.pii import Keyring
from service.core.rotation import blind_index_columns, encrypted_columns
from service.extensions import db
from service.models.members import Member
from service.models.refunds import Enterprise
from tests.helpers import MemberLogin, StaffLogin, assert_error, org_id
from tests.join.helpers import applied, apply, form, id_number
from tests.refunds.helpers import enterprise_body


def key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


OLD_DATA, NEW_DATA, OLD_BLIND, NEW_BLIND = key(), key(), key(), key()
MEMBERS = "/api/v1/admin/members"
QUEUE = "/api/v1/admin/join/applications"


@pytest.fixture
def settings(settings):
    settings.update(DATA_KEY=OLD_DATA, BLIND_INDEX_KEY=OLD_BLIND)
    return settings


def restarted(settings, data_key: str, blind_key: str):
    """The service after a restart with other keys: an app of its own on the same database."""
    return create_app({**settings, "DATA_KEY": data_key, "BLIND_INDEX_KEY": blind_key})


@pytest.fixture
def people(app, client, member, staff):
    """alice: a member with a bound phone and an enterprise; bob: a pending application;
    carol: a rejected one. Returns what each entered."""
    mt, elm = org_id(app, "ZZ-MT"), org_id(app, "ZZ-ELM")
    applied(client, member("alice"), form({"org_id": mt}, seq=1, phone="13600000001"))
    assert client.post("/api/v1/me/phone", json={"code": "phone-13912345678"},
                       headers=member("alice")).status_code == 200
    enterprise = client.post("/api/v1/refunds/enterprises", headers=member("alice"),
                             json=enterprise_body(bank_account_no="6217000012345678901"))
    assert enterprise.status_code == 201, enterprise.get_json()
    applied(client, member("bob"), form({"org_id": elm}, seq=2, phone="13600000002"))
    carol = applied(client, member("carol"), form({"org_id": elm}, seq=3))
    assert client.post(f"{QUEUE}/{carol['id']}/reject", json={"reason": "材料不全"},
                       headers=staff("city_admin")).status_code == 200
    return {"enterprise": enterprise.get_json()["id"]}


def stored_values(app) -> list[str]:
    """Every encrypted value as stored, and every blind index, straight from the tables."""
    with app.app_context():
        columns = [c for cs in encrypted_columns().values() for c in cs]
        columns += [index for pairs in blind_index_columns().values() for index, _ in pairs]
        values = []
        for column in columns:
            raw = sa.select(sa.type_coerce(column, sa.String)).where(column.is_not(None))
            values += db.session.scalars(raw).all()
        return values


def key_id(data_key: str) -> str:
    return Keyring(data_key, data_key).primary


def test_rotate_and_reindex_then_retire_the_old_keys(app, settings, people, wechat_fake):
    before = stored_values(app)
    # 16: the people fixture's ID numbers, phones and bank accounts, and the ID numbers
    # their WeChat accounts are bound to.
    assert sum(v.startswith(key_id(OLD_DATA) + ":") for v in before) == 16
    # 1. Every process restarts with the new keys first, the old ones after them.
    both = restarted(settings, f"{NEW_DATA},{OLD_DATA}", f"{NEW_BLIND},{OLD_BLIND}")
    client, staff = both.test_client(), StaffLogin(both.test_client())
    found = client.get(MEMBERS, query_string={"q": id_number(1)}, headers=staff("city_admin"))
    assert found.get_json()["total"] == 1, "old blind indexes still match while reindexing"
    mt, member = org_id(both, "ZZ-MT"), MemberLogin(client)
    # Another account with a held ID number is found under either key: a claim, not a member.
    assert apply(client, member("dave"), form({"org_id": mt}, seq=1)).status_code == 202
    assert apply(client, member("erin"), form({"org_id": mt}, seq=2)).status_code == 202
    rotated = both.test_cli_runner().invoke(args=["pii", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    assert "members: 1 re-encrypted, 0 already current" in rotated.output
    assert "join_applications: 3 re-encrypted" in rotated.output
    assert "refund_enterprises: 1 re-encrypted" in rotated.output
    assert "users: 3 re-encrypted, 2 already current" in rotated.output
    reindexed = both.test_cli_runner().invoke(args=["pii", "reindex"])
    assert reindexed.exit_code == 0, reindexed.output
    assert "join_applications: 3 re-indexed" in reindexed.output
    assert "members: 1 re-indexed" in reindexed.output and "users: 3 re-indexed" in reindexed.output
    again = both.test_cli_runner().invoke(args=["pii", "rotate"])
    assert "members: 0 re-encrypted, 1 already current" in again.output

    # 2. The old keys are removed from the configuration.
    new = restarted(settings, NEW_DATA, NEW_BLIND)
    after = stored_values(new)
    assert not set(before) & set(after), "no value is still stored as it was"
    client = new.test_client()
    staff, member = StaffLogin(client), MemberLogin(client)
    member.logins = 100  # fresh login codes for the same WeChat users
    headers = staff("city_admin")
    for q, name in ((id_number(1), "张四"), ("13600000001", "张四")):
        body = client.get(MEMBERS, query_string={"q": q}, headers=headers).get_json()
        assert [item["name"] for item in body["items"]] == [name], (q, body)
    queue = client.get(QUEUE, query_string={"q": id_number(2)}, headers=headers).get_json()
    # bob's application and erin's claim on the same ID number
    assert [item["name"] for item in queue["items"]] == ["张五", "张五"]
    queue = client.get(QUEUE, query_string={"q": "13600000002"}, headers=headers).get_json()
    assert queue["total"] == 1
    mt = org_id(new, "ZZ-MT")
    # dave's and erin's claims are on file: a second try of each is refused, and a third
    # account's claim on alice's ID number is still found under the new key alone.
    assert_error(apply(client, member("dave"), form({"org_id": mt}, seq=1)), 409,
                 "claim_pending")
    assert apply(client, member("frank"), form({"org_id": mt}, seq=1)).status_code == 202
    assert applied(client, member("carol2"), form({"org_id": mt}, seq=3))["status"] \
        == "approved", "a rejected application does not hold the person"
    with new.app_context():
        alice = db.session.scalar(sa.select(Member).order_by(Member.id))
        assert (alice.id_number, alice.phone) == (id_number(1), "13600000001")
        enterprise = db.session.get(Enterprise, people["enterprise"])
        assert enterprise.bank_account_no == "6217000012345678901"
        assert enterprise.contact_phone == "13800138000"
    me = client.get("/api/v1/me", headers=member("alice"))
    assert me.status_code == 200 and me.get_json()["phone"].endswith("5678")
    shown = client.get(f"{MEMBERS}/{alice.id}", headers=headers)
    assert shown.status_code == 200, shown.get_json()


def test_a_stopped_rotation_resumes_where_it_stopped(app, settings, people):
    both = restarted(settings, f"{NEW_DATA},{OLD_DATA}", f"{NEW_BLIND},{OLD_BLIND}")
    runner = both.test_cli_runner()
    partial = runner.invoke(args=["pii", "rotate", "--batch-size", "1", "--max-batches", "2"])
    assert partial.exit_code == 0, partial.output
    assert "stopped after 2 batches" in partial.output
    stale = [v for v in stored_values(both) if v.startswith(key_id(OLD_DATA) + ":")]
    assert 0 < len(stale) < 16
    rest = runner.invoke(args=["pii", "rotate", "--batch-size", "1"])
    assert rest.exit_code == 0 and "done" in rest.output, rest.output
    assert not [v for v in stored_values(both) if v.startswith(key_id(OLD_DATA) + ":")]

    partial = runner.invoke(args=["pii", "reindex", "--batch-size", "2", "--max-batches", "1"])
    assert "stopped after 1 batches" in partial.output
    rest = runner.invoke(args=["pii", "reindex"])
    assert rest.exit_code == 0 and "done" in rest.output, rest.output
    assert "users: 2 re-indexed, 0 already current" in partial.output
    assert "join_applications: 3 re-indexed, 0 already current" in rest.output
    new = restarted(settings, NEW_DATA, NEW_BLIND)
    client = new.test_client()
    body = client.get(MEMBERS, query_string={"q": id_number(1)},
                      headers=StaffLogin(client)("city_admin")).get_json()
    assert body["total"] == 1


def test_a_value_under_a_removed_key_is_named_not_a_traceback(app, settings, people):
    result = restarted(settings, NEW_DATA, NEW_BLIND).test_cli_runner().invoke(
        args=["pii", "rotate"])
    assert result.exit_code != 0 and "no DATA_KEY with id" in result.output
