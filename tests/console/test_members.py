"""会员 through the console: search, a member's page, transfer, card check, export."""

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from service.extensions import db
from service.models.audit import AuditEntry
from service.models.members import Member, MemberTransfer
from service.models.orgs import Org
from tests.console.helpers import add_applications, csrf_token, post_form, sign_in, text


def _members(app, org_code, count, first=1):
    """Members made by approving applications through the rule the API uses."""
    from service.joining.applications import approve
    from service.models.accounts import Admin
    from service.models.members import JoinApplication

    ids = add_applications(app, org_code, count, first=first)
    with app.app_context():
        admin = db.session.scalar(select(Admin).where(Admin.username == "city_admin"))
        members = [approve(db.session.get(JoinApplication, i), admin).application_id
                   for i in ids]
        db.session.commit()
        return [db.session.scalar(select(Member.id).where(Member.application_id == i))
                for i in members]


def _org_id(app, code):
    with app.app_context():
        return db.session.scalar(select(Org.id).where(Org.code == code))


def test_search_by_name_member_number_and_full_phone(client, app):
    [member_id, _] = _members(app, "JS-XW", 2)
    with app.app_context():
        member = db.session.get(Member, member_id)
        name, number = member.name, member.member_no
    sign_in(client, "jinshui_reviewer")
    by_name = text(client.get("/console/members", query_string={"q": name}))
    assert number in by_name and "139****0001" in by_name and "13900000001" not in by_name
    by_number = text(client.get("/console/members", query_string={"q": number}))
    assert number in by_number and len(re.findall(r"/console/members/\d+", by_number)) == 1
    by_phone = text(client.get("/console/members", query_string={"q": "13900000001"}))
    assert number in by_phone
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "pii.exact_lookup"))
        assert entry.actor_name == "jinshui_reviewer" and entry.detail["found"] is True


def test_a_member_out_of_scope_is_not_found(client, app):
    [member_id] = _members(app, "EQ-HT", 1)
    sign_in(client, "jinshui_reviewer")
    response = client.get(f"/console/members/{member_id}")
    assert response.status_code == 404 and "会员不存在" in text(response)


def test_transfer_to_an_org_in_scope_with_history(client, app):
    [member_id] = _members(app, "JS-XW", 1)
    target = _org_id(app, "JS")
    sign_in(client, "jinshui_admin")
    page = f"/console/members/{member_id}"
    no_reason = post_form(client, page + "/transfer", {"to_org_id": str(target), "reason": ""},
                          form_page=page)
    assert no_reason.status_code == 422
    assert f'<option value="{target}" selected' in text(no_reason)
    outside = post_form(client, page + "/transfer",
                        {"to_org_id": str(_org_id(app, "EQ-HT")), "reason": "调动"},
                        form_page=page)
    assert outside.status_code == 403 and "不在您所属组织的管辖范围内" in text(outside)
    assert 'value="调动"' in text(outside)
    moved = post_form(client, page + "/transfer", {"to_org_id": str(target), "reason": "调动"},
                      form_page=page)
    assert moved.status_code == 302
    shown = text(client.get(page))
    assert "已将会员转入金水区总工会" in shown and "调动" in shown
    with app.app_context():
        assert db.session.get(Member, member_id).org_id == target
        assert db.session.scalar(select(MemberTransfer.reason)) == "调动"


def test_card_check_shows_the_holder_or_the_problem(client, app):
    from service.joining.membership import issue_card_code

    [member_id] = _members(app, "EQ-HT", 1)  # any staff, any org
    with app.app_context():
        member = db.session.get(Member, member_id)
        code, number = issue_card_code(member), member.member_no
    sign_in(client, "jinshui_stations")
    valid = post_form(client, "/console/card", {"verify_code": code})
    assert valid.status_code == 200 and "会员卡有效" in text(valid) and number in text(valid)
    forged = post_form(client, "/console/card", {"verify_code": "forged-code"})
    assert forged.status_code == 422 and "会员码无效" in text(forged)
    assert 'value="forged-code"' in text(forged)


def test_export_is_masked_unless_an_org_admin_gives_a_reason(client, app):
    _members(app, "JS-XW", 2)
    sign_in(client, "jinshui_reviewer")
    masked = post_form(client, "/console/members/export", {}, form_page="/console/members")
    assert masked.status_code == 200
    assert masked.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(masked.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "会员号" and "139****0001" in {c for r in rows for c in r}
    full = post_form(client, "/console/members/export", {"full": "1", "reason": "年度统计"},
                     form_page="/console/members")
    assert full.status_code == 403 and "需要组织管理员权限" in text(full)

    sign_in(client, "jinshui_admin")
    no_reason = post_form(client, "/console/members/export", {"full": "1"},
                          form_page="/console/members")
    assert no_reason.status_code == 422 and "须填写用途" in text(no_reason)
    done = post_form(client, "/console/members/export", {"full": "1", "reason": "年度统计"},
                     form_page="/console/members")
    assert done.status_code == 200
    cells = {c for r in load_workbook(io.BytesIO(done.data)).active.iter_rows(values_only=True)
             for c in r}
    assert "13900000001" in cells
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "member.export").order_by(AuditEntry.id)).all()
        assert [(e.actor_name, e.detail["full"]) for e in entries] == [
            ("jinshui_reviewer", False), ("jinshui_admin", True)]
        assert entries[-1].reason == "年度统计"


def test_member_reveal_is_audited(client, app):
    [member_id] = _members(app, "JS-XW", 1)
    sign_in(client, "jinshui_admin")
    page = f"/console/members/{member_id}"
    token = csrf_token(client, page)
    shown = client.post(page + "/reveal", data={"csrf_token": token, "reveal_reason": "回访"})
    assert "13900000001" in text(shown)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.reason).where(
            AuditEntry.action == "member.reveal")) == "回访"


def test_search_by_the_phones_last_four_digits(client, app):
    _members(app, "JS-XW", 2)  # phones 13900000001 and 13900000002
    sign_in(client, "jinshui_reviewer")
    shown = text(client.get("/console/members", query_string={"q": "0002"}))
    assert "139****0002" in shown and "139****0001" not in shown
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == "pii.exact_lookup")) is None  # nothing hidden was matched
    api = client.get("/api/v1/admin/members", query_string={"q": "0001"},
                     headers=_staff_headers(client, "jinshui_reviewer"))
    assert [m["phone"] for m in api.get_json()["items"]] == ["139****0001"]


def _staff_headers(client, username):
    response = client.post("/api/v1/admin/auth/login",
                           json={"username": username, "password": "demo-pass-2026"})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_the_migration_fills_the_tails_of_existing_members(app):
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    [member_id] = _members(app, "JS-XW", 1, first=7)
    with app.app_context():
        db.session.remove()
        downgrade(revision="0016")  # to before the console's migration
        upgrade()
        tail = db.session.scalar(sa.select(Member.phone_tail).where(Member.id == member_id))
    assert tail == "0007"


def test_too_many_exact_lookups_is_a_page_that_keeps_the_query(settings):
    from service import create_app

    settings.update(RATELIMIT_ENABLED=True, EXACT_LOOKUP_LIMIT="1 per hour")
    app = create_app(settings)
    client = app.test_client()  # on the database the demo tree was seeded into
    sign_in(client, "jinshui_reviewer")
    assert client.get("/console/members?q=13900000001").status_code == 200
    refused = client.get("/console/members?q=13900000002&org_id=")
    assert refused.status_code == 429
    assert "查询的次数已达上限" in text(refused)
    assert 'value="13900000002"' in text(refused)
    assert client.get("/console/members?q=张").status_code == 200  # names are not counted
