"""Staff on a declared application: review, payment, and the audited reads of its files."""

from sqlalchemy import Select, select

from service.core import clock
from service.core.clock import today_shanghai
from service.core.database import newest_first
from service.domain.errors import RuleViolation
from service.domain.refund_eligibility import format_yuan
from service.identity import audit
from service.identity.auth import current_admin, get_scoped
from service.models.orgs import is_broad
from service.models.refund_applications import RefundApplication, RefundAttachment
from service.refunds import workflow
from service.refunds.applications import attachment_of
from service.refunds.ledger import FILTERS, filtered


def review_queue(args: dict) -> Select:
    """The declared applications of the caller's scope that `args` selects, newest first
    (read by primary key when most of a broad scope's applications pass the filters)."""
    most_pass = not any(args.get(name) is not None for name in FILTERS) and is_broad(
        current_admin().org)
    return newest_first(filtered(select(RefundApplication), args), RefundApplication,
                        by_primary_key=most_pass)


def declared_application(application_id: int, *, write: bool = False) -> RefundApplication:
    """A submitted application in the caller's scope: outside is 404 to read, 403 to write."""
    # Drafts are the applicant's own until submitted: to staff they do not exist.
    return get_scoped(RefundApplication, application_id, write=write,
                      hidden=lambda application: application.status == "draft",
                      not_found="application_not_found", noun="申请")


def decide(application: RefundApplication, decision: str, note: str | None) -> None:
    """Approve, or reject with a note the applicant can act on (audited)."""
    workflow.refuse_unless_allowed(application, decision)
    note = (note or "").strip() or None
    if decision == "reject" and note is None:
        raise RuleViolation("note_required", "驳回时请填写审核意见，说明需要补正的内容", "note")
    workflow.move(application, decision, note=note, decided_at=clock.now())
    audit.record(f"refund.{decision}", object_type="refund_application",
                 object_id=application.id, org_id=application.org_id)


def record_payment(application: RefundApplication, payment: dict) -> None:
    """Record the payout: voucher, a date not in the future, the amount (a reason if it differs)."""
    workflow.refuse_unless_allowed(application, "pay")
    if payment["paid_at"] > today_shanghai():
        raise RuleViolation("paid_at_future", "拨付日期不能晚于今天", "paid_at")
    reason = (payment["reason"] or "").strip() or None
    if payment["paid_fen"] != application.refundable_fen and reason is None:
        raise RuleViolation(
            "payout_reason_required",
            f"拨付金额与应返还金额{format_yuan(application.refundable_fen)}元不一致，请填写原因",
            "reason")
    voucher_no = payment["voucher_no"].strip()
    note = f"凭证号{voucher_no}" + (f"；{reason}" if reason else "")
    workflow.move(application, "pay", note=note, payout_fen=payment["paid_fen"],
                  payout_on=payment["paid_at"], payout_voucher_no=voucher_no,
                  payout_reason=reason)
    audit.record("refund.pay", object_type="refund_application", object_id=application.id,
                 org_id=application.org_id, detail={"paid_fen": payment["paid_fen"]})


def read_attachment(application: RefundApplication, attachment_id: int) -> RefundAttachment:
    """A file of the application, its reading recorded in the audit log."""
    attachment = attachment_of(application, attachment_id)
    audit.record("refund.attachment.read", object_type="refund_attachment",
                 object_id=attachment.id, org_id=application.org_id)
    return attachment


def read_bank_account(application: RefundApplication, reason: str):
    """The enterprise with its full bank account, the reading and its reason audited."""
    audit.record("refund.bank_account.read", object_type="refund_application",
                 object_id=application.id, org_id=application.org_id, reason=reason.strip())
    return application.enterprise
