"""入会审核 through the console's forms: the queue, 通过, 驳回, bulk, scope, reveal."""

from sqlalchemy import select

from service.extensions import db
from service.models.audit import AuditEntry
from service.models.members import JoinApplication, Member
from service.models.outbox import OutboxMessage
from tests.console.helpers import add_applications, post_form, sign_in, text


def test_the_queue_shows_the_scope_oldest_first(client, app):
    ids = add_applications(app, "JS-XW", 3)
    others = add_applications(app, "EQ-HT", 1, first=10)
    sign_in(client, "jinshui_reviewer")
    page = text(client.get("/console/review"))
    positions = [page.index(f"/console/review/{i}\"") for i in ids]
    assert positions == sorted(positions)
    assert f"/console/review/{others[0]}\"" not in page


def test_approving_makes_a_member_and_queues_the_message(client, app):
    [application_id] = add_applications(app, "JS-XW", 1)
    sign_in(client, "jinshui_reviewer")
    page = f"/console/review/{application_id}"
    response = post_form(client, page + "/approve", {}, form_page=page)
    assert response.status_code == 302
    shown = text(client.get(page))
    assert "已通过，会员编号" in shown
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.application_id == application_id))
        assert member is not None
        assert db.session.scalar(select(OutboxMessage)) is not None


def test_a_second_reviewer_sees_the_conflict_in_the_page(client, app):
    [application_id] = add_applications(app, "JS-XW", 1)
    sign_in(client, "jinshui_reviewer")
    page = f"/console/review/{application_id}"
    from tests.console.helpers import csrf_token

    token = csrf_token(client, page)
    assert client.post(page + "/approve", data={"csrf_token": token}).status_code == 302
    again = client.post(page + "/reject", data={"csrf_token": token, "reason": "重复"})
    assert again.status_code == 409
    assert "该申请已被处理" in text(again)


def test_rejecting_needs_a_reason_and_keeps_what_was_typed(client, app):
    [application_id] = add_applications(app, "JS-XW", 1)
    sign_in(client, "jinshui_reviewer")
    page = f"/console/review/{application_id}"
    empty = post_form(client, page + "/reject", {"reason": ""}, form_page=page)
    assert empty.status_code == 422
    assert "驳回理由" in text(empty) or "理由" in text(empty)
    long = "很长" * 101
    too_long = post_form(client, page + "/reject", {"reason": long}, form_page=page)
    assert too_long.status_code == 422
    assert long in text(too_long)
    done = post_form(client, page + "/reject", {"reason": "工作单位填写不完整"}, form_page=page)
    assert done.status_code == 302
    with app.app_context():
        application = db.session.get(JoinApplication, application_id)
        assert application.status == "rejected"
        assert application.reject_reason == "工作单位填写不完整"


def test_another_districts_application_is_not_found(client, app):
    [application_id] = add_applications(app, "EQ-HT", 1)
    sign_in(client, "jinshui_reviewer")
    response = client.get(f"/console/review/{application_id}")
    assert response.status_code == 404
    assert "入会申请不存在" in text(response)


def test_roles_without_review_get_the_403_page(client, app):
    sign_in(client, "jinshui_refunds")
    response = client.get("/console/review")
    assert response.status_code == 403
    assert "没有此操作的权限" in text(response)


def test_only_an_org_admin_reveals_in_full_with_a_reason(client, app):
    [application_id] = add_applications(app, "JS-XW", 1)
    page = f"/console/review/{application_id}"
    sign_in(client, "jinshui_reviewer")
    assert "查看完整信息" not in text(client.get(page))
    refused = post_form(client, page + "/reveal", {"reveal_reason": "核实身份"}, form_page=page)
    assert refused.status_code == 403

    sign_in(client, "jinshui_admin")
    shown = text(client.get(page))
    assert "13900000001" not in shown and "139****0001" in shown
    no_reason = post_form(client, page + "/reveal", {"reveal_reason": " "}, form_page=page)
    assert no_reason.status_code == 422 and "请填写查看完整信息的理由" in text(no_reason)
    revealed = post_form(client, page + "/reveal", {"reveal_reason": "电话核实身份"},
                         form_page=page)
    assert revealed.status_code == 200
    assert "13900000001" in text(revealed)
    assert revealed.headers["Cache-Control"] == "no-store"
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "join_application.reveal"))
        assert entry.reason == "电话核实身份" and entry.actor_name == "jinshui_admin"
        assert "13900000001" not in str(entry.detail)


def test_bulk_approval_approves_each_and_reports_the_rest(client, app):
    ids = add_applications(app, "JS-XW", 3)
    [foreign] = add_applications(app, "EQ-HT", 1, first=20)
    sign_in(client, "jinshui_reviewer")
    response = post_form(client, "/console/review/approve",
                         {"ids": [str(ids[0]), str(ids[1]), str(foreign)]},
                         form_page="/console/review")
    assert response.status_code == 302
    shown = text(client.get("/console/review"))
    assert "已通过 2 份申请" in shown
    assert f"申请 {foreign}" in shown
    with app.app_context():
        statuses = {i: db.session.get(JoinApplication, i).status for i in [*ids, foreign]}
    assert statuses == {ids[0]: "approved", ids[1]: "approved", ids[2]: "pending",
                        foreign: "pending"}


def test_a_bad_filter_is_named_and_kept(client, app):
    sign_in(client, "jinshui_reviewer")
    response = client.get("/console/review?since=2026-13-01&q=张")
    assert response.status_code == 422
    assert "开始日期格式不正确" in text(response)
    assert 'value="张"' in text(response)
    outside = client.get("/console/review?org_id=1")  # the city federation: above the scope
    assert outside.status_code == 404
