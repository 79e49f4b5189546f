"""Review by the district's refund reviewers, payment by finance, notices, scope."""

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models.audit import AuditEntry
from service.models.outbox import OutboxMessage
from service.models.refund_applications import RefundApplication
from service.refunds import workflow
from service.web.errors import ApiError
from tests.helpers import assert_error

ADMIN = "/api/v1/admin/refunds/applications"


def _outbox(app):
    with app.app_context():
        return [(m.user_id, m.template_id, m.data, m.page)
                for m in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def test_approval_moves_once_records_history_and_queues_a_notice(app, client, refunds):
    application = refunds.submitted("alice", paid_fen=12345)
    response = refunds.review("jinshui_refunds", application["id"], "approve", "材料齐全")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "approved" and body["decided_at"]
    last = body["history"][-1]
    assert (last["from_status"], last["to_status"], last["note"]) == (
        "submitted", "approved", "材料齐全")
    assert last["actor_kind"] == "admin" and "金水区总工会" in last["actor_name"]
    [(user_id, template, data, page)] = _outbox(app)
    me = client.get("/api/v1/me", headers=refunds.member("alice")).get_json()
    assert user_id == me["id"] and template == "tpl-refund-result"
    assert data["phrase2"] == "通过" and data["amount3"] == "43.21元"
    assert data["thing1"] == application["enterprise"]["name"] and data["thing4"] == "材料齐全"
    assert page == f"pages/refunds/detail?id={application['id']}"
    assert_error(refunds.review("jinshui_refunds", application["id"]), 409, "status_invalid")


def test_rejection_needs_a_note_then_the_applicant_corrects_and_resubmits(app, client,
                                                                          refunds):
    application = refunds.submitted("alice")
    error = assert_error(refunds.review("jinshui_refunds", application["id"], "reject"), 422,
                         "note_required")
    assert "note" in error["errors"]["json"]
    response = refunds.review("jinshui_refunds", application["id"], "reject", "缴费凭证不清晰")
    assert response.get_json()["status"] == "rejected"
    assert _outbox(app)[-1][2]["phrase2"] == "驳回"
    url = f"/api/v1/refunds/applications/{application['id']}"
    headers = refunds.member("alice")
    mine = client.get(url, headers=headers).get_json()
    assert mine["history"][-1]["note"] == "缴费凭证不清晰"
    assert client.patch(url, json={"paid_fen": 20000}, headers=headers).status_code == 200
    assert refunds.attach("alice", application["id"]).status_code == 201
    resubmitted = refunds.submit("alice", application["id"]).get_json()
    assert resubmitted["status"] == "submitted" and resubmitted["refundable_fen"] == 7000
    assert [h["to_status"] for h in resubmitted["history"]] == [
        "draft", "submitted", "rejected", "submitted"]


def test_finance_records_the_payment(app, client, refunds):
    application = refunds.approved("alice", paid_fen=12345)
    assert_error(refunds.pay("jinshui_refunds", application["id"], voucher_no="V1",
                             paid_at="2024-03-14", paid_fen=4321), 403, "role_required")
    error = assert_error(refunds.pay("city_finance", application["id"], voucher_no="V1",
                                     paid_at="2024-03-14", paid_fen=4300), 422,
                         "payout_reason_required")
    assert "reason" in error["errors"]["json"] and "43.21元" in error["message"]
    assert_error(refunds.pay("city_finance", application["id"], voucher_no="V1",
                             paid_at="2024-03-16", paid_fen=4321), 422, "paid_at_future")
    response = refunds.pay("city_finance", application["id"], voucher_no="ZZ-2024-001",
                           paid_at="2024-03-14", paid_fen=4300, reason="扣除银行手续费")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "paid"
    assert body["payment"] == {"voucher_no": "ZZ-2024-001", "paid_at": "2024-03-14",
                               "paid_fen": 4300, "reason": "扣除银行手续费"}
    assert _outbox(app)[-1][2]["phrase2"] == "已拨付"
    assert _outbox(app)[-1][2]["amount3"] == "43.00元"
    mine = client.get(f"/api/v1/refunds/applications/{application['id']}",
                      headers=refunds.member("alice")).get_json()
    assert mine["payment"]["paid_fen"] == 4300
    assert [h["to_status"] for h in mine["history"]][-1] == "paid"


def test_paying_before_approval_is_409(refunds):
    application = refunds.submitted("alice")
    assert_error(refunds.pay("city_finance", application["id"], voucher_no="V1",
                             paid_at="2024-03-14", paid_fen=1), 409, "status_invalid")


def test_another_districts_reviewer_cannot_see_or_act(client, refunds):
    application = refunds.submitted("alice")  # Jinshui
    attachment_id = application["attachments"][0]["id"]
    erqi = refunds.staff("erqi_refunds")
    assert client.get(ADMIN, headers=erqi).get_json()["total"] == 0
    assert_error(client.get(f"{ADMIN}/{application['id']}", headers=erqi), 404)
    assert_error(client.get(f"{ADMIN}/{application['id']}/attachments/{attachment_id}",
                            headers=erqi), 404)
    assert_error(refunds.review("erqi_refunds", application["id"]), 403, "out_of_scope")
    jinshui = refunds.staff("jinshui_refunds")
    listed = client.get(ADMIN, headers=jinshui).get_json()
    assert [a["id"] for a in listed["items"]] == [application["id"]]
    detail = client.get(f"{ADMIN}/{application['id']}", headers=jinshui).get_json()
    assert detail["enterprise"]["bank_account_no"] == "**** 8901"
    assert len(detail["attachments"]) == 3 and len(detail["history"]) == 2
    download = client.get(f"{ADMIN}/{application['id']}/attachments/{attachment_id}",
                          headers=jinshui)
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")


def test_drafts_stay_with_the_applicant(client, refunds):
    draft = refunds.application("alice")
    jinshui = refunds.staff("jinshui_refunds")
    assert client.get(ADMIN, headers=jinshui).get_json()["total"] == 0
    assert_error(client.get(f"{ADMIN}/{draft['id']}", headers=jinshui), 404)
    assert_error(client.get(ADMIN, query_string={"status": "draft"}, headers=jinshui), 422)


def test_finance_reads_the_full_account_with_a_reason_on_record(app, client, refunds):
    application = refunds.approved("alice")
    url = f"{ADMIN}/{application['id']}/bank-account"
    assert_error(client.get(url, query_string={"reason": "拨付"},
                            headers=refunds.staff("jinshui_refunds")), 403)
    assert_error(client.get(url, headers=refunds.staff("city_finance")), 422)
    response = client.get(url, query_string={"reason": "办理拨付"},
                          headers=refunds.staff("city_finance"))
    assert response.get_json()["bank_account_no"] == "6217000012345678901"
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.action == "refund.bank_account.read"))
    assert entry.actor_name == "city_finance" and entry.reason == "办理拨付"


def test_a_transition_that_lost_the_race_is_409(app, refunds):
    application = refunds.submitted("alice")
    with app.app_context():
        loaded = db.session.get(RefundApplication, application["id"])
        assert loaded.status == "submitted"
        # Another reviewer decides in between, on a connection of their own.
        other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with other.begin() as conn:
            conn.execute(sa.text("UPDATE refund_applications SET status = 'rejected', "
                                 "version = version + 1 WHERE id = :id"),
                         {"id": application["id"]})
        other.dispose()
        with pytest.raises(ApiError) as lost:
            workflow.move(loaded, "approve", actor=("admin", 1, "test"))
        assert (lost.value.status, lost.value.error) == (409, "status_conflict")
        db.session.rollback()
        assert db.session.get(RefundApplication, application["id"]).status == "rejected"


def test_applicants_see_the_org_and_a_role_never_a_username(client, refunds):
    application = refunds.approved("alice", paid_fen=12345)
    paid = refunds.pay("city_finance", application["id"], voucher_no="PZ-1",
                       paid_at="2024-03-15", paid_fen=4321)
    assert paid.status_code == 200, paid.get_json()
    response = client.get(f"/api/v1/refunds/applications/{application['id']}",
                          headers=refunds.member("alice"))
    names = [(h["actor_kind"], h["actor_name"]) for h in response.get_json()["history"]]
    assert names[-2:] == [("admin", "金水区总工会 审核员"), ("admin", "郑州市总工会 财务人员")]
    text = response.get_data(as_text=True)
    assert "jinshui_refunds" not in text and "city_finance" not in text


def test_the_migration_renames_staff_in_existing_history(app, refunds):
    from flask_migrate import downgrade, upgrade

    application = refunds.approved("alice")
    with app.app_context():
        db.session.execute(sa.text(
            "UPDATE refund_status_changes SET actor_name = '金水区总工会 jinshui_refunds'"
            " WHERE actor_kind = 'admin'"))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0008")
        upgrade()
        names = db.session.scalars(sa.select(sa.text("actor_name")).select_from(
            sa.text("refund_status_changes")).where(sa.text(
                f"application_id = {application['id']} AND actor_kind = 'admin'"))).all()
    assert names == ["金水区总工会 审核员"]
