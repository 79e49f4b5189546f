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
        """The caller's applications, newest first."""
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
        """Start a draft for one enterprise and year; eligibility and amount are computed."""
        application = start_application(data)
        db.session.commit()
        return application


@blp.route("/<int:application_id>")
class ApplicationDetail(MethodView):
    @member_required
    @blp.response(200, RefundApplicationSchema)
    @errors(404)
    def get(self, application_id):
        """One of the caller's applications, with files and status history."""
        return own_application(application_id)

    @member_required
    @blp.arguments(RefundApplicationUpdateSchema)
    @blp.response(200, RefundApplicationSchema)
    @errors(404, 409)
    def patch(self, data, application_id):
        """Correct the paid amount of a draft or a rejected application."""
        application = correct_paid_amount(application_id, data["paid_fen"])
        db.session.commit()
        return application


@blp.route("/<int:application_id>/submit")
class SubmitApplication(MethodView):
    @member_required
    @blp.response(200, RefundApplicationSchema)
    @errors(404, 409, 422)
    def post(self, application_id):
        """Send the application to the district union for review."""
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
        """Upload a receipt, licence or certificate: JPEG, PNG or PDF, at most 10 MB.

        At most 20 files and 50 MB in all per application (409 / 413).
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
        """Download one of the caller's files."""
        return files.serve(owned_attachment(application_id, attachment_id))

    @member_required
    @blp.response(204)
    @errors(404, 409)
    def delete(self, application_id, attachment_id):
        """Remove a file from a draft or a rejected application."""
        name = remove_attachment(application_id, attachment_id)
        db.session.commit()
        files.remove(name)
