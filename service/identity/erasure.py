"""Erasing a person's data (PIPL art. 47): what may be erased, and how a row is scrubbed.

A scrubbed row keeps what the statistics count (org, occupation, gender, birth year, status,
dates) and loses everything that points at the person: names, ID numbers, phones, bank
accounts, the WeChat binding, employer and free text.
"""

from datetime import date

from sqlalchemy import delete, select, update

from service.core import clock
from service.extensions import db
from service.identity.audit import record
from service.models.accounts import User
from service.models.idempotency import IdempotentRequest
from service.models.join_codes import JoinCodeEvent
from service.models.members import JoinApplication, Member, MemberTransfer
from service.models.outbox import OutboxMessage
from service.models.refund_applications import RefundApplication, RefundAttachment
from service.models.refunds import Enterprise, EnterpriseClaim
from service.models.station_feedback import StationFeedback
from service.web.errors import abort

ERASED_NAME = "已注销"
ERASED_TEXT = "（已清除）"
ERASED_INDEX = "erased"
# Statuses of a membership that still needs the person's data.
HELD_MEMBERSHIP = ("active", "held")
# Refund applications the federation is acting on: reviewing, or owing the payment.
LIVE_REFUND = ("submitted", "approved")
# Refund applications that will never be paid once the applicant is gone.
UNPAID_ENDED = ("draft", "rejected")


def scrub_person(row: JoinApplication | Member) -> None:
    """Replace the personal details of an application or member; counts keep their keys."""
    row.name = ERASED_NAME
    row.id_number = ""
    row.phone = ""
    row.phone_index = ERASED_INDEX
    row.birth_date = date(row.birth_date.year, 1, 1)
    row.employer = None
    if isinstance(row, JoinApplication):
        row.id_index = ERASED_INDEX
        row.reject_reason = None if row.reject_reason is None else ERASED_TEXT
        if row.active_person_index is not None:  # still unique, never a person's index
            row.active_person_index = f"{ERASED_INDEX}-a{row.id}"
    else:
        row.person_index = f"{ERASED_INDEX}-m{row.id}"
    row.erased_at = clock.now()


def refuse_while_needed(user: User) -> None:
    """409 while a membership, an application under review or a live refund needs the data."""
    member = db.session.scalar(select(Member.status).where(Member.user_id == user.id))
    if member in HELD_MEMBERSHIP:
        abort(409, "membership_active", "您仍是工会会员（含保留会籍），请先办理退会，"
              "退会完成后再注销账号")
    pending = db.session.scalar(select(JoinApplication.id).where(
        JoinApplication.user_id == user.id,
        JoinApplication.status.in_(("pending", "disputed"))).limit(1))
    if pending is not None:
        abort(409, "application_pending",
              "您有入会申请正在审核或核实中，请等待处理结果后再注销账号")
    refund = db.session.scalar(select(RefundApplication.id).where(
        RefundApplication.user_id == user.id,
        RefundApplication.status.in_(LIVE_REFUND)).limit(1))
    if refund is not None:
        abort(409, "refund_in_progress", "您有经费返还申请正在办理中，请等待办理完成（拨付）"
              "或联系工会撤回申请后再注销账号")


def erase_account(user: User) -> list[str]:
    """Erase the account's personal data (409 while it is still needed); tokens end.

    Returns the stored files to delete once committed: the attachments of refund
    applications never paid (drafts, rejections). Paid ones stay as the ledger's vouchers.
    """
    refuse_while_needed(user)
    for application in db.session.scalars(
            select(JoinApplication).where(JoinApplication.user_id == user.id)):
        scrub_person(application)
    member = db.session.scalar(select(Member).where(Member.user_id == user.id))
    if member is not None:
        scrub_person(member)
        db.session.execute(update(MemberTransfer).where(MemberTransfer.member_id == member.id)
                           .values(reason=ERASED_TEXT))
    files = _scrub_feedback_and_refunds(user)
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == user.id))
    db.session.execute(delete(IdempotentRequest)
                       .where(IdempotentRequest.principal == f"member:{user.id}"))
    db.session.execute(update(JoinCodeEvent).where(JoinCodeEvent.user_id == user.id)
                       .values(user_id=None))
    user.openid = f"{ERASED_INDEX}:{user.id}"
    user.unionid = user.phone = user.phone_index = None
    user.id_number = user.id_number_index = None
    user.last_login_at = None
    user.erased_at = clock.now()
    user.token_version += 1
    record("account.erase", object_type="user", object_id=user.id,
           detail={"files_removed": len(files)})
    db.session.flush()
    return files


def _scrub_feedback_and_refunds(user: User) -> list[str]:
    db.session.execute(update(StationFeedback).where(StationFeedback.user_id == user.id)
                       .values(content=ERASED_TEXT, resolution_note=None))
    for enterprise in db.session.scalars(select(Enterprise).where(Enterprise.user_id == user.id)):
        enterprise.contact_name = ERASED_NAME
        enterprise.contact_phone = ""
        enterprise.bank_account_no = ""
    db.session.execute(update(EnterpriseClaim).where(EnterpriseClaim.user_id == user.id)
                       .values(note=None))
    applications = select(RefundApplication.id).where(RefundApplication.user_id == user.id)
    unpaid = applications.where(RefundApplication.status.in_(UNPAID_ENDED))
    files = list(db.session.scalars(select(RefundAttachment.storage_name)
                                    .where(RefundAttachment.application_id.in_(unpaid))))
    db.session.execute(delete(RefundAttachment)
                       .where(RefundAttachment.application_id.in_(unpaid)))
    db.session.execute(update(RefundAttachment)
                       .where(RefundAttachment.application_id.in_(applications))
                       .values(original_name=None))
    return files
