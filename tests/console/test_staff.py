"""人员 through the console's forms: an org_admin manages the accounts of its subtree."""

import re

from sqlalchemy import select

from service.extensions import db
from service.models.accounts import Admin
from service.models.audit import AuditEntry
from service.models.orgs import Org
from tests.console.helpers import csrf_token, post_form, sign_in, text


def account(app, username):
    with app.app_context():
        return db.session.scalar(select(Admin).where(Admin.username == username))


def org_id(app, code):
    with app.app_context():
        return db.session.scalar(select(Org.id).where(Org.code == code))


def test_an_org_admin_creates_an_account_and_it_signs_in(client, app):
    sign_in(client, "jinshui_admin")
    page = text(client.get("/console/staff"))
    assert "jinshui_stations" in page and "erqi_refunds" not in page
    created = post_form(client, "/console/staff/new", {
        "username": "jinshui_new", "display_name": "李四", "org_id": org_id(app, "JS-XW"),
        "roles": ["member_reviewer"]}, form_page="/console/staff")
    assert created.status_code == 200
    shown = re.search(r"一次性密码：<code>([^<]+)</code>", text(created))
    assert shown
    new = account(app, "jinshui_new")
    assert new.roles == ["member_reviewer"] and new.must_change_password
    fresh = app.test_client()
    assert sign_in(fresh, "jinshui_new", shown.group(1)).status_code == 302


def test_a_taken_username_keeps_the_form(client, app):
    sign_in(client, "jinshui_admin")
    taken = post_form(client, "/console/staff/new", {
        "username": "jinshui_stations", "display_name": "王五", "org_id": org_id(app, "JS"),
        "roles": ["member_reviewer"]}, form_page="/console/staff")
    assert taken.status_code == 409
    assert 'value="王五"' in text(taken)
    no_role = post_form(client, "/console/staff/new", {
        "username": "jinshui_x", "display_name": "王五", "org_id": org_id(app, "JS")},
        form_page="/console/staff")
    assert no_role.status_code == 422 and "角色" in text(no_role)
    ungrantable = post_form(client, "/console/staff/new", {
        "username": "jinshui_y", "display_name": "赵六", "org_id": org_id(app, "JS"),
        "roles": ["finance"]}, form_page="/console/staff")
    assert ungrantable.status_code == 403 and "不能授予您自己没有的角色" in text(ungrantable)
    assert account(app, "jinshui_y") is None


def test_roles_reset_and_disable(client, app):
    target = account(app, "jinshui_stations")
    sign_in(client, "jinshui_admin")
    path = f"/console/staff/{target.id}"
    post_form(client, path, {"action": "roles", "roles": ["station_manager", "member_reviewer"]},
              form_page="/console/staff")
    assert set(account(app, "jinshui_stations").roles) == {"station_manager",
                                                             "member_reviewer"}
    reset = post_form(client, path, {"action": "reset"}, form_page="/console/staff")
    assert "一次性密码" in text(reset)
    assert account(app, "jinshui_stations").must_change_password
    post_form(client, path, {"action": "disable"}, form_page="/console/staff")
    assert account(app, "jinshui_stations").is_active is False
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"account.update", "account.password_reset"} <= actions


def test_scope_role_and_token(client, app):
    other = account(app, "erqi_refunds")
    sign_in(client, "jinshui_admin")
    token = csrf_token(client, "/console/staff")
    refused = client.post(f"/console/staff/{other.id}",
                          data={"csrf_token": token, "action": "disable"})
    assert refused.status_code == 403
    assert client.post(f"/console/staff/{account(app, 'jinshui_stations').id}",
                       data={"action": "disable"}).status_code == 403
    assert account(app, "erqi_refunds").is_active and account(app, "jinshui_stations").is_active
    client.post("/console/logout", data={"csrf_token": token})
    sign_in(client, "jinshui_stations")
    assert client.get("/console/staff").status_code == 403
