"""Admin console: refund applications in the caller's scope, review and payment."""

from flask.views import MethodView
from sqlalchemy import select

from service.api.common import envelope
from service.api.refunds.schemas import (
    RefundAdminApplicationSchema,
    RefundAdminQuerySchema,
    RefundApplicationItemSchema,
    RefundBankAccountQuerySchema,
    RefundBankAccountSchema,
    RefundPaySchema,
    RefundReviewSchema,
)
from service.extensions import db
from service.identity.auth import admin_required
from service.models.refund_applications import RefundApplication
from service.refunds import files
from service.refunds.ledger import filtered
from service.refunds.review import (
    decide,
    declared_application,
    read_attachment,
    read_bank_account,
    record_payment,
)
from service.web.blueprint import Blueprint, errors
from service.web.pages import paginate

blp = Blueprint("refund_review", __name__, description="工会经费返还：审核与拨付")
STAFF_ROLES = ("refund_reviewer", "finance")


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
    @errors(404)
    def get(self, application_id):
        """One application with its enterprise, files and history."""
        return declared_application(application_id)


@blp.route("/applications/<int:application_id>/review")
class Review(MethodView):
    @admin_required("refund_reviewer")
    @blp.arguments(RefundReviewSchema)
    @blp.response(200, RefundAdminApplicationSchema)
    @errors(404, 409)
    def post(self, data, application_id):
        """Approve, or reject with a note the applicant can act on."""
        application = declared_application(application_id, write=True)
        decide(application, data["decision"], data["note"])
        db.session.commit()
        return application


@blp.route("/applications/<int:application_id>/pay")
class Pay(MethodView):
    @admin_required("finance")
    @blp.arguments(RefundPaySchema)
    @blp.response(200, RefundAdminApplicationSchema)
    @errors(404, 409)
    def post(self, data, application_id):
        """Record the payment into the union's account: voucher, date and amount."""
        application = declared_application(application_id, write=True)
        record_payment(application, data)
        db.session.commit()
        return application


@blp.route("/applications/<int:application_id>/attachments/<int:attachment_id>")
class ReviewAttachment(MethodView):
    @admin_required(*STAFF_ROLES)
    @blp.response(200, description="文件内容（JPEG、PNG或PDF）", content_type="application/pdf")
    @errors(404)
    def get(self, application_id, attachment_id):
        """Download a file of an application in scope (recorded in the audit log)."""
        application = declared_application(application_id)
        attachment = read_attachment(application, attachment_id)
        db.session.commit()
        return files.serve(attachment)


@blp.route("/applications/<int:application_id>/bank-account")
class BankAccount(MethodView):
    @admin_required("finance")
    @blp.arguments(RefundBankAccountQuerySchema, location="query")
    @blp.response(200, RefundBankAccountSchema)
    @errors(404)
    def get(self, args, application_id):
        """The union's full bank account for paying, with the reason recorded."""
        application = declared_application(application_id)
        enterprise = read_bank_account(application, args["reason"])
        db.session.commit()
        return enterprise
