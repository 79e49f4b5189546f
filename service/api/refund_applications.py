"""Mini-program: refund applications, their files, and submitting them for review."""

from flask.views import MethodView
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from service.api.schemas import PageArgs, envelope
from service.api.schemas.refund_applications import (
    RefundApplicationCreateSchema,
    RefundApplicationItemSchema,
    RefundApplicationSchema,
    RefundApplicationUpdateSchema,
    RefundAttachmentSchema,
    RefundUploadSchema,
)
from service.core import clock
from service.extensions import db
from service.identity.auth import current_user, member_required
from service.models.refund_applications import RefundApplication, RefundAttachment
from service.refunds import files, workflow
from service.refunds.applications import (
    attachment_of,
    own_application,
    own_enterprise,
    reassess,
    refuse_duplicate,
    refuse_incomplete,
    refuse_unless_editable,
)
from service.web.blueprint import Blueprint
from service.web.errors import abort
from service.web.limits import limit_submissions
from service.web.pages import paginate

blp = Blueprint("refund_applications", __name__, description="工会经费返还：申请、材料与提交")
MAX_ATTACHMENTS = 20


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
    def post(self, data):
        """Start a draft for one enterprise and year; eligibility and amount are computed."""
        enterprise = own_enterprise(data["enterprise_id"])
        refuse_duplicate(enterprise.id, data["year"])
        application = RefundApplication(enterprise=enterprise, user_id=current_user().id,
                                        year=data["year"], paid_fen=data["paid_fen"],
                                        status="draft")
        reassess(application)
        db.session.add(application)
        try:
            db.session.flush()
        except IntegrityError:  # a second tab created it a moment ago
            db.session.rollback()
            refuse_duplicate(enterprise.id, data["year"])
            raise
        workflow.record_creation(application)
        db.session.commit()
        return application


@blp.route("/<int:application_id>")
class ApplicationDetail(MethodView):
    @member_required
    @blp.response(200, RefundApplicationSchema)
    def get(self, application_id):
        """One of the caller's applications, with files and status history."""
        return own_application(application_id)

    @member_required
    @blp.arguments(RefundApplicationUpdateSchema)
    @blp.response(200, RefundApplicationSchema)
    def patch(self, data, application_id):
        """Correct the paid amount of a draft or a rejected application."""
        application = own_application(application_id)
        refuse_unless_editable(application)
        application.paid_fen = data["paid_fen"]
        reassess(application)
        db.session.commit()
        return application


@blp.route("/<int:application_id>/submit")
class SubmitApplication(MethodView):
    @member_required
    @blp.response(200, RefundApplicationSchema)
    def post(self, application_id):
        """Send the application to the district union for review."""
        application = own_application(application_id)
        refuse_unless_editable(application)
        reassess(application)
        refuse_incomplete(application)
        workflow.move(application, "submit", submitted_at=clock.now())
        db.session.commit()
        return application


@blp.route("/<int:application_id>/attachments")
class Attachments(MethodView):
    @limit_submissions
    @member_required
    @blp.arguments(RefundUploadSchema, location="multipart")
    @blp.response(201, RefundAttachmentSchema)
    def post(self, data, application_id):
        """Upload a receipt, licence or certificate: JPEG, PNG or PDF, at most 10 MB."""
        application = own_application(application_id)
        refuse_unless_editable(application)
        count = db.session.scalar(select(func.count(RefundAttachment.id)).where(
            RefundAttachment.application_id == application.id))
        if count >= MAX_ATTACHMENTS:
            abort(409, "too_many_attachments", f"每份申请最多上传{MAX_ATTACHMENTS}个文件")
        upload = data["file"]
        with files.stored_upload(upload) as stored:
            attachment = RefundAttachment(
                application_id=application.id, kind=data["kind"],
                content_type=stored.content_type, size_bytes=stored.size_bytes,
                sha256=stored.sha256, storage_name=stored.name,
                original_name=(upload.filename or "")[:255] or None)
            db.session.add(attachment)
            db.session.commit()
        return attachment


@blp.route("/<int:application_id>/attachments/<int:attachment_id>")
class AttachmentFile(MethodView):
    @member_required
    @blp.response(200, description="文件内容（JPEG、PNG或PDF）", content_type="application/pdf")
    def get(self, application_id, attachment_id):
        """Download one of the caller's files."""
        attachment = owned_attachment(application_id, attachment_id)
        return files.serve(attachment)

    @member_required
    @blp.response(204)
    def delete(self, application_id, attachment_id):
        """Remove a file from a draft or a rejected application."""
        attachment = owned_attachment(application_id, attachment_id)
        refuse_unless_editable(attachment.application)
        name = attachment.storage_name
        db.session.delete(attachment)
        db.session.commit()
        files.remove(name)


def owned_attachment(application_id: int, attachment_id: int) -> RefundAttachment:
    """A file of one of the caller's applications; anything else is 404."""
    return attachment_of(own_application(application_id), attachment_id)
