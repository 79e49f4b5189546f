"""经费返还: the queue per status, an application with its files, review, pay, the ledger
(policies: service/console/refund_policies.py)."""

from decimal import Decimal, InvalidOperation

from flask import flash, g, redirect, render_template, request, url_for

from service.api.refunds.schemas import (
    RefundBankAccountQuerySchema,
    RefundLedgerQuerySchema,
    RefundPaySchema,
    RefundReviewSchema,
)
from service.console.blueprint import Refusal, attempt, bp, check_form
from service.console.filters import page_args
from service.core.clock import today_shanghai
from service.domain.masking import mask_bank_account
from service.domain.sme import SIZE_CLASS_LABELS
from service.extensions import db
from service.identity.auth import admin_required, current_admin, has_role
from service.refunds import files
from service.refunds.applications import KIND_LABELS
from service.refunds.ledger import export_ledger, in_submission_order, overview
from service.refunds.review import (
    decide,
    declared_application,
    read_attachment,
    read_bank_account,
    record_payment,
)
from service.refunds.workflow import STATUS_LABELS
from service.web.pages import paginate

STAFF_ROLES = ("refund_reviewer", "finance")
QUEUE_STATUSES = {k: v for k, v in STATUS_LABELS.items() if k != "draft"}


@bp.app_template_filter("mask_account")
def _mask_account(value) -> str:
    return mask_bank_account(value) or ""


def _ledger_filters(source) -> tuple[dict | None, Refusal | None]:
    raw = {key: source.get(key, "").strip()
           for key in ("status", "year", "district_code", "size_class")}
    return check_form(RefundLedgerQuerySchema, {k: v for k, v in raw.items() if v})


@bp.route("/refunds")
@admin_required(*STAFF_ROLES)
def refunds():
    """经费返还申请（按状态）"""
    source = request.args.copy()
    if "status" not in source:
        source["status"] = "approved" if has_role(g.admin, "finance") and not has_role(
            g.admin, "refund_reviewer") else "submitted"
    args, refusal = _ledger_filters(source)
    page, status, error, field = {"items": [], "total": 0, **page_args(source)}, 200, None, None
    if refusal:
        error, field, status = refusal.message, refusal.field, refusal.status
    else:
        query = in_submission_order(args)
        page = paginate(query, page_args(source))
    return render_template("console/refunds.html", page=page, values=source, error=error,
                           field=field, statuses=QUEUE_STATUSES, sizes=SIZE_CLASS_LABELS,
                           can_policies=has_role(g.admin, "finance")), status


def _application_page(application, status=200, **extra):
    return render_template(
        "console/refund_application.html", application=application, statuses=STATUS_LABELS,
        kinds=KIND_LABELS, sizes=SIZE_CLASS_LABELS, today=today_shanghai(),
        can_review=has_role(g.admin, "refund_reviewer"), can_pay=has_role(g.admin, "finance"),
        **extra), status, {"Cache-Control": "no-store"}


@bp.route("/refunds/<int:application_id>")
@admin_required(*STAFF_ROLES)
def refund_application(application_id):
    """查看一条返还申请（企业、金额、附件、状态记录）"""
    return _application_page(declared_application(application_id))


@bp.route("/refunds/<int:application_id>/review", methods=["POST"])
@admin_required("refund_reviewer")
def refund_review(application_id):
    """审核返还申请：通过或驳回"""
    application = declared_application(application_id, write=True)
    data, refusal = check_form(RefundReviewSchema, {
        "decision": request.form.get("decision", ""),
        "note": request.form.get("note", "").strip() or None})
    if refusal is None:
        _, refusal = attempt(decide, application, data["decision"], data["note"])
    if refusal:
        db.session.refresh(application)
        return _application_page(application, refusal.status, error=refusal.message,
                                 field=refusal.field)
    db.session.commit()
    flash("已审核通过，申请人将收到通知" if data["decision"] == "approve"
          else "已驳回，申请人将收到通知和审核意见", "success")
    return redirect(url_for("console.refund_application", application_id=application_id))


def yuan_to_fen(text: str) -> int | None:
    """'1,234.56' -> 123456; None when it is not an amount with at most two decimals."""
    try:
        amount = Decimal(text.replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        return None
    return int(amount * 100)


@bp.route("/refunds/<int:application_id>/pay", methods=["POST"])
@admin_required("finance")
def refund_pay(application_id):
    """登记拨付（凭证号、拨付日期、金额）"""
    application = declared_application(application_id, write=True)
    fen = yuan_to_fen(request.form.get("paid_yuan", ""))
    refusal = None if fen is not None else Refusal(
        422, "拨付金额格式不正确，请填写以元为单位、最多两位小数的金额", "paid_yuan")
    if refusal is None:
        data, refusal = check_form(RefundPaySchema, {
            "voucher_no": request.form.get("voucher_no", ""),
            "paid_at": request.form.get("paid_at", ""), "paid_fen": fen,
            "reason": request.form.get("reason", "").strip() or None})
    if refusal is None:
        _, refusal = attempt(record_payment, application, data)
    if refusal:
        db.session.refresh(application)
        field = "paid_yuan" if refusal.field == "paid_fen" else refusal.field
        return _application_page(application, refusal.status, error=refusal.message,
                                 field=field)
    db.session.commit()
    flash("已登记拨付", "success")
    return redirect(url_for("console.refund_application", application_id=application_id))


@bp.route("/refunds/<int:application_id>/bank-account", methods=["POST"])
@admin_required("finance")
def refund_bank_account(application_id):
    """查看工会完整银行账号（须填写理由，记入审计日志）"""
    application = declared_application(application_id)
    data, refusal = check_form(RefundBankAccountQuerySchema,
                               {"reason": request.form.get("bank_reason", "").strip()})
    if refusal is None:
        enterprise, refusal = attempt(read_bank_account, application, data["reason"])
    if refusal:
        return _application_page(application, refusal.status, error=refusal.message,
                                 field="bank_reason")
    db.session.commit()
    return _application_page(application, full_account=enterprise.bank_account_no)


@bp.route("/refunds/<int:application_id>/files/<int:attachment_id>")
@admin_required(*STAFF_ROLES)
def refund_attachment(application_id, attachment_id):
    """查看申请附件（记入审计日志）"""
    application = declared_application(application_id)
    attachment = read_attachment(application, attachment_id)
    db.session.commit()
    return files.show(attachment)


@bp.route("/refunds/ledger")
@admin_required(*STAFF_ROLES)
def refund_ledger():
    """返还台账（筛选、合计、导出）"""
    args, refusal = _ledger_filters(request.args)
    page, status, error, field = {"items": [], "total": 0, **page_args(request.args)}, 200, \
        None, None
    totals = None
    if refusal:
        error, field, status = refusal.message, refusal.field, refusal.status
    else:
        query = in_submission_order(args)
        page, totals = paginate(query, page_args(request.args)), overview(args)
    return render_template("console/refund_ledger.html", page=page, values=request.args,
                           error=error, field=field, totals=totals, statuses=QUEUE_STATUSES,
                           sizes=SIZE_CLASS_LABELS), status


@bp.route("/refunds/ledger/export", methods=["POST"])
@admin_required(*STAFF_ROLES)
def refund_ledger_export():
    """导出返还台账（xlsx，记入审计日志）"""
    args, refusal = _ledger_filters(request.form)
    if refusal:
        flash(refusal.message, "error")
        return redirect(url_for("console.refund_ledger"))
    response = export_ledger(current_admin(), args)
    db.session.commit()
    return response
