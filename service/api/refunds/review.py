"""Admin console: refund applications in the caller's scope, review and payment."""

from flask.views import MethodView

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
from service.refunds import files
from service.refunds.review import (
    decide,
    declared_application,
    read_attachment,
    read_bank_account,
    record_payment,
    review_queue,
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
        """返还申请审核列表

        列出所辖范围内已申报的申请，最新的在前。
        """
        return paginate(review_queue(args), args)


@blp.route("/applications/<int:application_id>")
class ReviewDetail(MethodView):
    @admin_required(*STAFF_ROLES)
    @blp.response(200, RefundAdminApplicationSchema)
    @errors(404)
    def get(self, application_id):
        """查看一条返还申请

        包含所属企业、附件和状态变更记录。
        """
        return declared_application(application_id)


@blp.route("/applications/<int:application_id>/review")
class Review(MethodView):
    @admin_required("refund_reviewer")
    @blp.arguments(RefundReviewSchema)
    @blp.response(200, RefundAdminApplicationSchema)
    @errors(404, 409)
    def post(self, data, application_id):
        """审核返还申请

        通过；或驳回并附上申请人可据以改正的说明。
        """
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
        """登记拨付

        记录拨入工会账户的款项：凭证、日期和金额。
        """
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
        """下载申请附件

        限管辖范围内的申请；下载操作记入审计日志。
        """
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
        """查看工会完整银行账号

        用于拨付；须填写理由，理由会被记录。
        """
        application = declared_application(application_id)
        enterprise = read_bank_account(application, args["reason"])
        db.session.commit()
        return enterprise
