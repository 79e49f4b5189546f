"""A creating POST replayed with the same Idempotency-Key creates nothing new."""

from sqlalchemy import func, select

from service.extensions import db
from service.models.orgs import Org
from tests.helpers import assert_error, org_id


def count_orgs(app, name):
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Org.name == name))


def create(client, headers, key, name="金水区某某骑手工会"):
    parent = org_id(client.application, "JS")
    return client.post("/api/v1/admin/orgs", headers={**headers, "Idempotency-Key": key},
                       json={"name": name, "kind": "grassroots", "parent_id": parent})


def test_replay_returns_first_response_and_creates_once(app, client, staff):
    headers = staff("jinshui_admin")
    first = create(client, headers, "k-1")
    second = create(client, headers, "k-1")
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert count_orgs(app, "金水区某某骑手工会") == 1
    assert create(client, headers, "k-2").status_code == 201
    assert count_orgs(app, "金水区某某骑手工会") == 2


def test_same_key_with_another_body_is_refused(app, client, staff):
    headers = staff("jinshui_admin")
    assert create(client, headers, "k-3").status_code == 201
    assert_error(create(client, headers, "k-3", name="另一个工会"), 422, "idempotency_key_reused")
    assert count_orgs(app, "另一个工会") == 0


def test_an_error_is_not_remembered(app, client, staff):
    headers = staff("jinshui_admin")
    bad = client.post("/api/v1/admin/orgs", headers={**headers, "Idempotency-Key": "k-4"},
                      json={"name": "x", "kind": "nonsense", "parent_id": 1})
    assert_error(bad, 422)
    assert create(client, headers, "k-4").status_code == 201


def test_keys_belong_to_one_principal(app, client, staff):
    assert create(client, staff("jinshui_admin"), "shared").status_code == 201
    other = create(client, staff("city_admin"), "shared")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert count_orgs(app, "金水区某某骑手工会") == 2


def test_a_riders_retried_application_is_created_once(app, client, member, demo_orgs):
    from sqlalchemy import func, select

    from service.models.members import JoinApplication
    from tests.join.helpers import form

    headers = {**member("rider"), "Idempotency-Key": "form-submit-1"}
    body = form({"org_id": org_id(app, "JS-XW")}, seq=7, name="王五")
    first = client.post("/api/v1/join/applications", json=body, headers=headers)
    retry = client.post("/api/v1/join/applications", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json() and retry.get_json()["name"] == "王五"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JoinApplication)) == 1


def test_a_keyed_call_that_fetches_the_wechat_token_meanwhile(client, member, wechat_fake):
    # The token store writes through a connection of its own while the request holds its
    # key in its transaction: on SQLite (one writer) that must not wait for itself.
    headers = {**member("phone-binder"), "Idempotency-Key": "bind-1"}
    first = client.post("/api/v1/me/phone", json={"code": "phone-13912345678"}, headers=headers)
    retry = client.post("/api/v1/me/phone", json={"code": "phone-13912345678"}, headers=headers)
    assert first.status_code == 200, first.get_json()
    assert retry.get_json() == first.get_json() and retry.headers["Idempotent-Replayed"] == "true"
    assert wechat_fake.stable_token_calls == 1
