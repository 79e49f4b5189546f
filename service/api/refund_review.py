"""Admin console: refund applications in the caller's scope, review and payment."""

from flask.views import MethodView
from sqlalchemy import select

from service.api.schemas import envelope
from service.api.schemas.refund_applications import (
    RefundAdminApplicationSchema,
    RefundAdminQuerySchema,
    RefundApplicationItemSchema,
    RefundBankAccountQuerySchema,
    RefundBankAccountSchema,
    RefundPaySchema,
    RefundReviewSchema,
)
from service.core import clock
from service.domain.errors import RuleViolation
from service.domain.refund_eligibility import format_yuan
from service.extensions import db
from service.identity import audit
from service.identity.auth import admin_required, in_scope
from service.models.refund_applications import RefundApplication
from service.refunds import files, workflow
from service.refunds.applications import attachment_of
from service.refunds.ledger import filtered
from service.web.blueprint import Blueprint
from service.web.errors import abort
from service.web.pages import paginate

blp = Blueprint("refund_review", __name__, description="工会经费返还：审核与拨付")
STAFF_ROLES = ("refund_reviewer", "finance")


def scoped_application(application_id: int, *, write: bool = False) -> RefundApplication:
    """A declared application in the caller's scope: outside is 404 to read, 403 to write."""
    application = db.session.get(RefundApplication, application_id)
    if application is None or application.status == "draft":
        abort(404, "application_not_found", "申请不存在")
    if not in_scope(application.org):
        if write:
            abort(403, "out_of_scope", "该申请不在您所属组织的管辖范围内")
        abort(404, "application_not_found", "申请不存在")
    return application


@blp.route("/applications")
class ReviewList(MethodView):
    @admin_required(*STAFF_ROLES)
    @blp.arguments(RefundAdminQuerySchema, location="query")
    @blp.response(200, envelope(RefundApplicationItemSchema))
    def get(self, args):
        """Declared applications of the caller's subtree, newest first."""
        query = filtered(select(RefundApplication), args).order_by(RefundApplication.id.desc())
        return paginate(query, args)


@blp.route("/applications/<int:application_id>")
class ReviewDetail(MethodView):
    @admin_required(*STAFF_ROLES)
    @blp.response(200, RefundAdminApplicationSchema)
    def get(self, application_id):
        """One application with its enterprise, files and history."""
        return scoped_application(application_id)


@blp.route("/applications/<int:application_id>/review")
class Review(MethodView):
    @admin_required("refund_reviewer")
    @blp.arguments(RefundReviewSchema)
    @blp.response(200, RefundAdminApplicationSchema)
    def post(self, data, application_id):
        """Approve, or reject with a note the applicant can act on."""
        application = scoped_application(application_id, write=True)
        decision = data["decision"]
        workflow.refuse_unless_allowed(application, decision)
        note = (data["note"] or "").strip() or None
        if decision == "reject" and note is None:
            raise RuleViolation("note_required", "驳回时请填写审核意见，说明需要补正的内容", "note")
        workflow.move(application, decision, note=note, decided_at=clock.now())
        audit.record(f"refund.{decision}", object_type="refund_application",
                     object_id=application.id, org_id=application.org_id)
        db.session.commit()
        return application


@blp.route("/applications/<int:application_id>/pay")
class Pay(MethodView):
    @admin_required("finance")
    @blp.arguments(RefundPaySchema)
    @blp.response(200, RefundAdminApplicationSchema)
    def post(self, data, application_id):
        """Record the payment into the union's account: voucher, date and amount."""
        application = scoped_application(application_id, write=True)
        workflow.refuse_unless_allowed(application, "pay")
        if data["paid_at"] > clock.today_shanghai():
            raise RuleViolation("paid_at_future", "拨付日期不能晚于今天", "paid_at")
        reason = (data["reason"] or "").strip() or None
        if data["paid_fen"] != application.refundable_fen and reason is None:
            raise RuleViolation(
                "payout_reason_required",
                f"拨付金额与应返还金额{format_yuan(application.refundable_fen)}元不一致，请填写原因",
                "reason")
        voucher_no = data["voucher_no"].strip()
        note = f"凭证号{voucher_no}" + (f"；{reason}" if reason else "")
        workflow.move(application, "pay", note=note, payout_fen=data["paid_fen"],
                      payout_on=data["paid_at"], payout_voucher_no=voucher_no,
                      payout_reason=reason)
        audit.record("refund.pay", object_type="refund_application", object_id=application.id,
                     org_id=application.org_id, detail={"paid_fen": data["paid_fen"]})
        db.session.commit()
        return application


@blp.route("/applications/<int:application_id>/attachments/<int:attachment_id>")
class ReviewAttachment(MethodView):
    @admin_required(*STAFF_ROLES)
    @blp.response(200, description="文件内容（JPEG、PNG或PDF）", content_type="application/pdf")
    def get(self, application_id, attachment_id):
        """Download a file of an application in scope (recorded in the audit log)."""
        application = scoped_application(application_id)
        attachment = attachment_of(application, attachment_id)
        audit.record("refund.attachment.read", object_type="refund_attachment",
                     object_id=attachment.id, org_id=application.org_id)
        db.session.commit()
        return files.serve(attachment)


@blp.route("/applications/<int:application_id>/bank-account")
class BankAccount(MethodView):
    @admin_required("finance")
    @blp.arguments(RefundBankAccountQuerySchema, location="query")
    @blp.response(200, RefundBankAccountSchema)
    def get(self, args, application_id):
        """The union's full bank account for paying, with the reason recorded."""
        application = scoped_application(application_id)
        audit.record("refund.bank_account.read", object_type="refund_application",
                     object_id=application.id, org_id=application.org_id,
                     reason=args["reason"].strip())
        db.session.commit()
        return application.enterprise
