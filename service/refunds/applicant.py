"""What an applicant does: start, correct and submit an application; add and remove files."""

from sqlalchemy.exc import IntegrityError

from service.core import clock
from service.extensions import db
from service.identity.auth import current_user
from service.models.refund_applications import RefundApplication, RefundAttachment
from service.refunds import workflow
from service.refunds.applications import (
    attachment_of,
    own_application,
    own_enterprise,
    reassess,
    refuse_duplicate,
    refuse_incomplete,
    refuse_unless_editable,
)


def start_application(data: dict) -> RefundApplication:
    """A draft for one of the caller's enterprises and a year; eligibility and amount computed."""
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
    return application


def correct_paid_amount(application_id: int, paid_fen: int) -> RefundApplication:
    """Correct the paid amount of a draft or a rejected application."""
    application = own_application(application_id)
    refuse_unless_editable(application)
    application.paid_fen = paid_fen
    reassess(application)
    return application


def submit(application_id: int) -> RefundApplication:
    """Send a complete, eligible application to the district union for review."""
    application = own_application(application_id)
    refuse_unless_editable(application)
    reassess(application)
    refuse_incomplete(application)
    workflow.move(application, "submit", submitted_at=clock.now())
    return application


def application_taking_files(application_id: int) -> RefundApplication:
    """One of the caller's applications that may still take files (409 otherwise); how
    many and how large is `files.room_left`."""
    application = own_application(application_id)
    refuse_unless_editable(application)
    return application


def add_attachment(application: RefundApplication, kind: str, stored,
                   filename: str | None) -> RefundAttachment:
    """Record a stored file (`files.stored_upload`) as one of the application's."""
    attachment = RefundAttachment(
        application_id=application.id, kind=kind, content_type=stored.content_type,
        size_bytes=stored.size_bytes, sha256=stored.sha256, storage_name=stored.name,
        original_name=(filename or "")[:255] or None)
    db.session.add(attachment)
    return attachment


def owned_attachment(application_id: int, attachment_id: int) -> RefundAttachment:
    """A file of one of the caller's applications; anything else is 404."""
    return attachment_of(own_application(application_id), attachment_id)


def remove_attachment(application_id: int, attachment_id: int) -> str:
    """Drop a file from an editable application; its storage name, to delete after commit."""
    attachment = owned_attachment(application_id, attachment_id)
    refuse_unless_editable(attachment.application)
    name = attachment.storage_name
    db.session.delete(attachment)
    return name
