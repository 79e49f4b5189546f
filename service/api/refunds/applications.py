"""Mini-program: refund applications, their files, and submitting them for review."""

from flask.views import MethodView
from sqlalchemy import select

from service.api.common import PageArgs, envelope
from service.api.refunds.schemas import (
    RefundApplicationCreateSchema,
    RefundApplicationItemSchema,
    RefundApplicationSchema,
    RefundApplicationUpdateSchema,
    RefundAttachmentSchema,
    RefundUploadSchema,
)
from service.extensions import db
from service.identity.auth import current_user, member_required
from service.models.refund_applications import RefundApplication
from service.refunds import files
from service.refunds.applicant import (
    add_attachment,
    application_taking_files,
    correct_paid_amount,
    owned_attachment,
    remove_attachment,
    start_application,
    submit,
)
from service.refunds.applications import own_application
from service.web.blueprint import Blueprint, errors
from service.web.limits import limit_submissions
from service.web.pages import paginate

blp = Blueprint("refund_applications", __name__, description="工会经费返还：申请、材料与提交")


@blp.route("")
class Applications(MethodView):
    @member_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, envelope(RefundApplicationItemSchema))
    def get(self, args):
        """我的返还申请

        列出调用者的申请，最新的在前。
        """
        query = (select(RefundApplication)
                 .where(RefundApplication.user_id == current_user().id)
                 .order_by(RefundApplication.id.desc()))
        return paginate(query, args)

    @limit_submissions
    @member_required
    @blp.arguments(RefundApplicationCreateSchema)
    @blp.response(201, RefundApplicationSchema)
    @errors(404, 409)
    def post(self, data):
        """创建返还申请草稿

        针对一家企业和一个年度创建草稿；系统自动计算是否符合条件及返还金额。
        """
        application = start_application(data)
        db.session.commit()
        return application


@blp.route("/<int:application_id>")
class ApplicationDetail(MethodView):
    @member_required
    @blp.response(200, RefundApplicationSchema)
    @errors(404)
    def get(self, application_id):
        """查看我的一条返还申请

        包含附件和状态变更记录。
        """
        return own_application(application_id)

    @member_required
    @blp.arguments(RefundApplicationUpdateSchema)
    @blp.response(200, RefundApplicationSchema)
    @errors(404, 409)
    def patch(self, data, application_id):
        """更正实缴金额

        仅限草稿或已驳回的申请。
        """
        application = correct_paid_amount(application_id, data["paid_fen"])
        db.session.commit()
        return application


@blp.route("/<int:application_id>/submit")
class SubmitApplication(MethodView):
    @member_required
    @blp.response(200, RefundApplicationSchema)
    @errors(404, 409, 422)
    def post(self, application_id):
        """提交申请

        将申请提交给区县总工会审核。
        """
        application = submit(application_id)
        db.session.commit()
        return application


@blp.route("/<int:application_id>/attachments")
class Attachments(MethodView):
    @limit_submissions
    @member_required
    @blp.arguments(RefundUploadSchema, location="multipart")
    @blp.response(201, RefundAttachmentSchema)
    @errors(404, 409, 413, 415)
    def post(self, data, application_id):
        """上传附件

        可上传票据、营业执照或证书：JPEG、PNG 或 PDF，单个不超过 10 MB。

        每个申请最多 20 个文件、合计不超过 50 MB（超出分别返回 409 / 413）。
        """
        application = application_taking_files(application_id)
        room = files.room_left(application)
        upload = data["file"]
        with files.stored_upload(upload, room) as stored:  # gone again if the commit fails
            attachment = add_attachment(application, data["kind"], stored, upload.filename)
            db.session.commit()
        return attachment


@blp.route("/<int:application_id>/attachments/<int:attachment_id>")
class AttachmentFile(MethodView):
    @member_required
    @blp.response(200, description="文件内容（JPEG、PNG或PDF）", content_type="application/pdf")
    @errors(404)
    def get(self, application_id, attachment_id):
        """下载我的一个附件"""
        return files.serve(owned_attachment(application_id, attachment_id))

    @member_required
    @blp.response(204)
    @errors(404, 409)
    def delete(self, application_id, attachment_id):
        """删除附件

        仅限草稿或已驳回的申请。
        """
        name = remove_attachment(application_id, attachment_id)
        db.session.commit()
        files.remove(name)
