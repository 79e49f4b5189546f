"""经费返还 through the console's forms: queue, application, 通过/驳回, pay, files, ledger."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from service.extensions import db
from service.models.audit import AuditEntry
from service.models.outbox import OutboxMessage
from service.models.refund_applications import RefundApplication
from tests.console.helpers import csrf_token, post_form, sign_in, text


def seed(app) -> dict:
    """The demo refunds; {(enterprise name prefix, year): application id}."""
    from service.demo.refunds import seed_refunds

    with app.app_context():
        seed_refunds()
        db.session.commit()
        return {(a.enterprise.name, a.year): a.id
                for a in db.session.scalars(select(RefundApplication))}


def one(ids, name, year):
    return next(i for (n, y), i in ids.items() if n.startswith(name) and y == year)


def test_the_queue_shows_what_waits_in_scope(client, app):
    ids = seed(app)
    sign_in(client, "jinshui_refunds")
    page = text(client.get("/console/refunds"))
    assert f"/console/refunds/{one(ids, '郑州金水云帆', 2023)}\"" in page
    assert f"/console/refunds/{one(ids, '郑州二七福顺', 2024)}\"" not in page
    assert f"/console/refunds/{one(ids, '郑州金水云帆', 2021)}\"" not in page  # paid


def test_an_application_shows_yuan_and_its_files_and_is_approved(client, app):
    ids = seed(app)
    application_id = one(ids, "郑州金水云帆", 2023)
    sign_in(client, "jinshui_refunds")
    page = f"/console/refunds/{application_id}"
    shown = text(client.get(page))
    assert "9,123.45 元" in shown  # paid_fen 912345
    assert "<img class=\"attachment-image\"" in shown and "打开 PDF" in shown
    with app.app_context():
        attachment = db.session.get(RefundApplication, application_id).attachments[0]
    file = client.get(f"{page}/files/{attachment.id}")
    assert file.status_code == 200 and "attachment" not in file.headers.get(
        "Content-Disposition", "")
    done = post_form(client, page + "/review", {"decision": "approve"}, form_page=page)
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(RefundApplication, application_id).status == "approved"
        assert db.session.scalar(select(OutboxMessage)) is not None
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"refund.approve", "refund.attachment.read"} <= actions


def test_rejecting_needs_a_note_and_a_second_reviewer_gets_409(client, app):
    ids = seed(app)
    application_id = one(ids, "郑州金水云帆", 2023)
    sign_in(client, "jinshui_refunds")
    page = f"/console/refunds/{application_id}"
    token = csrf_token(client, page)
    empty = client.post(page + "/review", data={"csrf_token": token, "decision": "reject"})
    assert empty.status_code == 422 and "驳回时请填写审核意见" in text(empty)
    assert client.post(page + "/review", data={"csrf_token": token, "decision": "approve"}) \
        .status_code == 302
    again = client.post(page + "/review", data={"csrf_token": token, "decision": "reject",
                                                "note": "材料不全，请补正"})
    assert again.status_code == 409
    assert "不能驳回" in text(again) and "材料不全，请补正" in text(again)


def test_finance_pays_with_a_reference_and_a_date(client, app):
    ids = seed(app)
    application_id = one(ids, "金水区花园路惠民", 2022)  # approved
    sign_in(client, "city_finance")
    page = f"/console/refunds/{application_id}"
    wrong = post_form(client, page + "/pay", {"voucher_no": "FH-1", "paid_at": "2026-01-05",
                                              "paid_yuan": "12.345"}, form_page=page)
    assert wrong.status_code == 422 and "拨付金额格式不正确" in text(wrong)
    assert 'value="FH-1"' in text(wrong)
    with app.app_context():
        refundable = db.session.get(RefundApplication, application_id).refundable_fen
    paid = post_form(client, page + "/pay", {"voucher_no": "FH-1", "paid_at": "2026-01-05",
                                             "paid_yuan": f"{refundable / 100:.2f}"},
                     form_page=page)
    assert paid.status_code == 302, text(paid)
    with app.app_context():
        application = db.session.get(RefundApplication, application_id)
        assert (application.status, application.payout_fen, application.payout_voucher_no) \
            == ("paid", refundable, "FH-1")


def test_roles_and_scope(client, app):
    ids = seed(app)
    other = one(ids, "郑州二七福顺", 2024)
    sign_in(client, "jinshui_refunds")
    assert client.get(f"/console/refunds/{other}").status_code == 404
    token = csrf_token(client, "/console/refunds")
    assert client.post(f"/console/refunds/{other}/review",
                       data={"csrf_token": token, "decision": "approve"}).status_code == 403
    own = one(ids, "金水区花园路惠民", 2022)
    assert client.post(f"/console/refunds/{own}/pay", data={
        "csrf_token": token, "voucher_no": "X", "paid_at": "2026-01-05",
        "paid_yuan": "1"}).status_code == 403  # finance only
    no_token = client.post(f"/console/refunds/{one(ids, '郑州金水云帆', 2023)}/review",
                           data={"decision": "approve"})
    assert no_token.status_code == 403
    with app.app_context():
        assert db.session.get(RefundApplication, other).status == "submitted"
    client.post("/console/logout", data={"csrf_token": token})
    sign_in(client, "jinshui_stations")
    assert client.get("/console/refunds").status_code == 403


def test_the_ledger_totals_and_exports_audited(client, app):
    seed(app)
    sign_in(client, "jinshui_refunds")
    page = text(client.get("/console/refunds/ledger?year=2022"))
    assert "应返还合计（元）" in page
    bad = client.get("/console/refunds/ledger?year=abc")
    assert bad.status_code == 422
    export = post_form(client, "/console/refunds/ledger/export", {"year": "2022"},
                       form_page="/console/refunds/ledger")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "申请编号" and rows[-1][0] == "合计"
    assert {row[1] for row in rows[1:-1]} == {2022}
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "refund.export"))
        assert entry.actor_name == "jinshui_refunds"


def test_root_finance_changes_a_policy_and_a_district_admin_cannot(client, app):
    from service.models.refunds import RefundPolicy
    from service.refunds.policies import ensure_default_policies

    with app.app_context():
        ensure_default_policies()
        db.session.commit()
        policy = db.session.scalars(select(RefundPolicy)).first()
        policy_id, ratio = policy.id, policy.refund_ratio
    sign_in(client, "city_finance")
    page = f"/console/refunds/policies/{policy_id}"
    assert "返还政策" in text(client.get("/console/refunds"))
    bad = post_form(client, page, {"refund_ratio": "1.5"}, form_page=page)
    assert bad.status_code == 422 and 'value="1.5"' in text(bad)
    done = post_form(client, page, {"refund_ratio": "0.95", "max_paid_yuan": "50,000"},
                     form_page=page)
    assert done.status_code == 302, text(done)
    with app.app_context():
        changed = db.session.get(RefundPolicy, policy_id)
        assert str(changed.refund_ratio).startswith("0.95") and changed.max_paid_fen == 5_000_000
    district = app.test_client()
    sign_in(district, "jinshui_admin")
    refused = post_form(district, page, {"refund_ratio": "0.1"}, form_page=page)
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.get(RefundPolicy, policy_id).refund_ratio != ratio  # still 0.95
        assert str(db.session.get(RefundPolicy, policy_id).refund_ratio).startswith("0.95")
    reviewer = app.test_client()
    sign_in(reviewer, "jinshui_refunds")
    assert reviewer.get("/console/refunds/policies").status_code == 403


def test_another_districts_attachment_is_not_found(client, app):
    ids = seed(app)
    other = one(ids, "郑州二七福顺", 2024)
    with app.app_context():
        attachment_id = db.session.get(RefundApplication, other).attachments[0].id
    own = one(ids, "郑州金水云帆", 2023)
    sign_in(client, "jinshui_refunds")
    assert client.get(f"/console/refunds/{other}/files/{attachment_id}").status_code == 404
    # Another application's file through one's own application: not found either.
    assert client.get(f"/console/refunds/{own}/files/{attachment_id}").status_code == 404


def test_finance_reads_the_full_bank_account_with_a_reason(client, app):
    ids = seed(app)
    application_id = one(ids, "金水区花园路惠民", 2022)
    sign_in(client, "city_finance")
    page = f"/console/refunds/{application_id}"
    masked = text(client.get(page))
    assert "1702020109000002888" not in masked
    short = post_form(client, page + "/bank-account", {"bank_reason": "x"}, form_page=page)
    assert short.status_code == 422 and 'value="x"' in text(short)
    shown = post_form(client, page + "/bank-account", {"bank_reason": "核对拨付账户"},
                      form_page=page)
    assert shown.status_code == 200 and "1702020109000002888" in text(shown)
    assert shown.headers["Cache-Control"] == "no-store"
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "refund.bank_account.read"))
        assert (entry.actor_name, entry.reason) == ("city_finance", "核对拨付账户")
    reviewer = app.test_client()
    sign_in(reviewer, "jinshui_refunds")
    assert post_form(reviewer, page + "/bank-account", {"bank_reason": "想看看"},
                     form_page=page).status_code == 403
