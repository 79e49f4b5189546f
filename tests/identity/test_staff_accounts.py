"""An org_admin runs the staff accounts of its subtree: create, list, roles, reset, disable."""

from sqlalchemy import select

from service.demo import DEMO_PASSWORD
from service.extensions import db
from service.models.accounts import Admin
from service.models.audit import AuditEntry
from tests.helpers import assert_error, org_id

ACCOUNTS = "/api/v1/admin/accounts"


def login(client, username, password=DEMO_PASSWORD):
    return client.post("/api/v1/admin/auth/login",
                       json={"username": username, "password": password})


def bearer(response) -> dict:
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def account_id(app, username) -> int:
    with app.app_context():
        return db.session.scalar(select(Admin.id).where(Admin.username == username))


def orgs(client, headers):
    return client.get("/api/v1/admin/orgs", headers=headers)


def new_staff(client, headers, app, **fields):
    body = {"username": "jinshui_new", "display_name": "王芳", "org_id": org_id(app, "JS-XW"),
            "roles": ["member_reviewer"], **fields}
    return client.post(ACCOUNTS, headers=headers, json=body)


def test_created_account_signs_in_once_with_its_initial_password(app, client, staff):
    created = new_staff(client, staff("jinshui_admin"), app)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["username"] == "jinshui_new" and body["org"]["code"] == "JS-XW"
    assert body["roles"] == ["member_reviewer"] and body["must_change_password"] is True
    initial = body["initial_password"]
    listed = client.get(f"{ACCOUNTS}?q=jinshui_new", headers=staff("jinshui_admin")).get_json()
    assert [a["username"] for a in listed["items"]] == ["jinshui_new"]
    assert "initial_password" not in listed["items"][0] and initial not in str(listed)

    first = login(client, "jinshui_new", initial)
    assert first.status_code == 200 and first.get_json()["must_change_password"] is True
    assert_error(orgs(client, bearer(first)), 403, "password_change_required")
    assert_error(client.get("/api/v1/admin/members", headers=bearer(first)), 403,
                 "password_change_required")
    changed = client.post("/api/v1/admin/auth/password", headers=bearer(first),
                          json={"old_password": initial, "new_password": "Jinshui-2026!"})
    assert changed.status_code == 204, changed.get_data(as_text=True)
    assert orgs(client, bearer(first)).status_code == 200, "the caller's session goes on"
    again = login(client, "jinshui_new", "Jinshui-2026!")
    assert again.get_json()["must_change_password"] is False
    assert_error(login(client, "jinshui_new", initial), 401, "invalid_credentials")


def test_list_is_the_subtree_with_filters(app, client, staff):
    headers = staff("jinshui_admin")
    listed = client.get(f"{ACCOUNTS}?page_size=100", headers=headers).get_json()
    assert {"items", "total", "page", "page_size"} <= set(listed)
    names = {a["username"] for a in listed["items"]}
    assert names == {"jinshui_admin", "jinshui_reviewer", "jinshui_refunds", "jinshui_stations"}
    assert "password_hash" not in str(listed)
    new_staff(client, headers, app)
    in_xw = client.get(f"{ACCOUNTS}?org_id={org_id(app, 'JS-XW')}", headers=headers).get_json()
    assert [a["username"] for a in in_xw["items"]] == ["jinshui_new"]
    client.patch(f"{ACCOUNTS}/{account_id(app, 'jinshui_stations')}", headers=headers,
                 json={"is_active": False})
    inactive = client.get(f"{ACCOUNTS}?active=false", headers=headers).get_json()
    assert [a["username"] for a in inactive["items"]] == ["jinshui_stations"]
    assert client.get(f"{ACCOUNTS}?q=王芳", headers=headers).get_json()["total"] == 1


def test_outside_the_subtree_is_404_to_read_and_403_to_write(app, client, staff):
    headers = staff("jinshui_admin")
    assert_error(client.get(f"{ACCOUNTS}?org_id={org_id(app, 'EQ')}", headers=headers), 404)
    assert_error(new_staff(client, headers, app, org_id=org_id(app, "EQ")), 403, "out_of_scope")
    erqi = account_id(app, "erqi_refunds")
    assert_error(client.patch(f"{ACCOUNTS}/{erqi}", headers=headers,
                              json={"display_name": "x"}), 403, "out_of_scope")
    assert_error(client.post(f"{ACCOUNTS}/{erqi}/reset-password", headers=headers), 403,
                 "out_of_scope")
    assert_error(client.patch(f"{ACCOUNTS}/999999", headers=headers, json={"is_active": False}),
                 404, "not_found")
    city = account_id(app, "city_admin")
    assert_error(client.post(f"{ACCOUNTS}/{city}/reset-password", headers=headers), 403)
    assert login(client, "erqi_refunds").status_code == 200, "nothing changed"


def test_no_account_acts_on_itself(app, client, staff):
    headers = staff("jinshui_admin")
    me = account_id(app, "jinshui_admin")
    assert_error(client.patch(f"{ACCOUNTS}/{me}", headers=headers,
                              json={"roles": ["org_admin", "finance"]}), 403, "own_account")
    assert_error(client.patch(f"{ACCOUNTS}/{me}", headers=headers, json={"is_active": False}),
                 403, "own_account")
    assert_error(client.post(f"{ACCOUNTS}/{me}/reset-password", headers=headers), 403,
                 "own_account")
    assert orgs(client, headers).status_code == 200


def test_no_account_grants_a_role_it_lacks(app, client, staff):
    headers = staff("jinshui_admin")
    body = assert_error(new_staff(client, headers, app, roles=["member_reviewer", "finance"]),
                        403, "role_not_grantable")
    assert "finance" in body["message"]
    assert account_id(app, "jinshui_new") is None, "nothing half-made"
    reviewer = account_id(app, "jinshui_reviewer")
    assert_error(client.patch(f"{ACCOUNTS}/{reviewer}", headers=headers,
                              json={"roles": ["refund_reviewer"]}), 403, "role_not_grantable")
    # An account holding a role the caller lacks is not the caller's to reset or disable:
    # otherwise a reset would hand an org_admin a finance login.
    refunds = account_id(app, "jinshui_refunds")
    assert_error(client.post(f"{ACCOUNTS}/{refunds}/reset-password", headers=headers), 403,
                 "role_not_grantable")
    assert_error(client.patch(f"{ACCOUNTS}/{refunds}", headers=headers,
                              json={"is_active": False}), 403, "role_not_grantable")
    assert login(client, "jinshui_refunds").status_code == 200
    granted = new_staff(client, headers, app, roles=["org_admin", "station_manager"])
    assert granted.status_code == 201, "its own and implied roles it may grant"


def test_username_rules(app, client, staff):
    headers = staff("jinshui_admin")
    for bad in ("Wang Fang", "ab", "1abc", "王芳", "x" * 65):
        body = assert_error(new_staff(client, headers, app, username=bad), 422)
        assert set(body["errors"]["json"]) == {"username"}, (bad, body)
    assert_error(new_staff(client, headers, app, username="jinshui_reviewer"), 409,
                 "username_taken")
    assert_error(new_staff(client, headers, app, roles=["root"]), 422, "validation_failed")
    assert_error(new_staff(client, headers, app, roles=[]), 422, "validation_failed")


def test_role_change_ends_the_accounts_tokens(app, client, staff):
    old = staff("jinshui_reviewer")
    reviewer = f"{ACCOUNTS}/{account_id(app, 'jinshui_reviewer')}"
    renamed = client.patch(reviewer, headers=staff("jinshui_admin"), json={"display_name": "李"})
    assert renamed.get_json()["display_name"] == "李"
    assert orgs(client, old).status_code == 200, "a new name alone ends nothing"
    changed = client.patch(reviewer, headers=staff("jinshui_admin"),
                           json={"roles": ["station_manager"]})
    assert changed.status_code == 200 and changed.get_json()["roles"] == ["station_manager"]
    assert_error(orgs(client, old), 401, "token_invalid")
    fresh = login(client, "jinshui_reviewer")
    assert fresh.get_json()["admin"]["roles"] == ["station_manager"]
    assert client.get("/api/v1/admin/stations", headers=bearer(fresh)).status_code == 200


def test_disabling_ends_tokens_and_enabling_does_not_revive_them(app, client, staff):
    old = staff("jinshui_stations")
    stations = f"{ACCOUNTS}/{account_id(app, 'jinshui_stations')}"
    assert client.patch(stations, headers=staff("jinshui_admin"),
                        json={"is_active": False}).get_json()["is_active"] is False
    assert_error(orgs(client, old), 401, "token_invalid")
    assert_error(login(client, "jinshui_stations"), 401, "invalid_credentials")
    client.patch(stations, headers=staff("jinshui_admin"), json={"is_active": True})
    assert_error(orgs(client, old), 401, "token_invalid")
    assert orgs(client, bearer(login(client, "jinshui_stations"))).status_code == 200


def test_reset_ends_tokens_and_forces_a_change(app, client, staff):
    old = staff("jinshui_reviewer")
    reset = client.post(f"{ACCOUNTS}/{account_id(app, 'jinshui_reviewer')}/reset-password",
                        headers=staff("jinshui_admin"))
    assert reset.status_code == 200
    initial = reset.get_json()["initial_password"]
    assert len(initial) >= 10
    assert_error(orgs(client, old), 401, "token_invalid")
    assert_error(login(client, "jinshui_reviewer"), 401, "invalid_credentials")
    signed_in = login(client, "jinshui_reviewer", initial)
    assert signed_in.get_json()["must_change_password"] is True
    assert_error(orgs(client, bearer(signed_in)), 403, "password_change_required")


def test_every_action_is_audited(app, client, staff):
    headers = staff("jinshui_admin")
    created = new_staff(client, headers, app).get_json()
    path = f"{ACCOUNTS}/{created['id']}"
    client.patch(path, headers=headers, json={"roles": ["station_manager"]})
    client.post(f"{path}/reset-password", headers=headers)
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.object_type == "admin").order_by(AuditEntry.id)).all()
        assert [(e.action, e.actor_name, e.object_id) for e in entries] == [
            ("account.create", "jinshui_admin", str(created["id"])),
            ("account.update", "jinshui_admin", str(created["id"])),
            ("account.password_reset", "jinshui_admin", str(created["id"]))]
        assert entries[1].detail["roles_after"] == ["station_manager"]
        assert created["initial_password"] not in str([e.detail for e in entries])
