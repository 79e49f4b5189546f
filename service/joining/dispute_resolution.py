"""Deciding a dispute: move the person's membership (or live application) to the claimant,
or reject the claim. Two staff at once decide it once."""

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from service.core import clock
from service.domain.hours import SHANGHAI
from service.extensions import db
from service.identity import audit
from service.joining.applications import notify_join_result
from service.joining.binding import rebind, unbind
from service.joining.membership import PERSON_FIELDS
from service.models.accounts import Admin
from service.models.disputes import JoinDispute
from service.models.members import JoinApplication, Member
from service.models.outbox import enqueue
from service.web.errors import abort

CLAIM_REJECTED = "身份未能核实，请携证件联系工会"
MOVED_AWAY = "经工会核实，该身份证号码属于他人，相关会籍已转至本人账号"
CHANGED = "该身份证号码的入会记录刚被修改，请刷新后重试"


def resolve(dispute: JoinDispute, admin: Admin, decision: str, note: str | None) -> None:
    """Close an open dispute with `decision` ("move" or "reject"); 409 if already closed."""
    now = clock.now()
    # Two staff at once: only the UPDATE that still finds it open goes on.
    closed = db.session.execute(
        update(JoinDispute).where(JoinDispute.id == dispute.id, JoinDispute.status == "open")
        .values(status="moved" if decision == "move" else "rejected", note=note,
                resolved_by=admin.id, resolved_at=now)
        .execution_options(synchronize_session=False))
    if closed.rowcount != 1:
        abort(409, "dispute_not_open", "该核实申请已被处理，请刷新后查看最新状态")
    db.session.expire(dispute)
    audit.record(f"join.dispute_{decision}", object_type="join_dispute", object_id=dispute.id,
                 org_id=dispute.holder_org_id, reason=(note or "")[:255] or None,
                 detail={"claim_application_id": dispute.application_id,
                         "holder_application_id": dispute.holder_application_id})
    claim = dispute.application
    if decision == "reject":
        _update_claim(claim, admin, now, status="rejected", reject_reason=CLAIM_REJECTED)
        notify_join_result(claim, approved=False)
        return
    try:
        status = _move(claim, admin, now)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        abort(409, "dispute_changed", CHANGED)
    if status == "approved":
        notify_join_result(claim, approved=True)
    else:
        _notify_moved_to_review(claim)


def _move(claim: JoinApplication, admin: Admin, now) -> str:
    """Give the claimant what the holder held; return the claim's new status."""
    holder = db.session.scalar(select(JoinApplication).where(
        JoinApplication.active_person_index == claim.id_index))
    if holder is not None and holder.user_id == claim.user_id:
        abort(409, "dispute_changed",
              "该身份证号码已在申请人本人账号下，无需转移，请驳回此核实申请")
    status, values = "pending", {}
    if holder is not None:
        status = holder.status
        member = holder.member
        # Give back the holder's index first, so the claim can take it (it is unique).
        _update(holder, admin, now, status="rejected", reject_reason=MOVED_AWAY,
                active_person_index=None)
        if holder.user.id_number_index == claim.id_index:
            unbind(holder.user)
        if member is not None:
            values = {"org_id": holder.org_id, "join_code_id": holder.join_code_id}
            _move_member(member, claim, holder.user_id)
    _update_claim(claim, admin, now, status=status, active_person_index=claim.id_index,
                  **values)
    rebind(claim.user, claim.id_number)
    return status


def _move_member(member: Member, claim: JoinApplication, holder_user_id: int) -> None:
    # The member keeps its number, join date, org and transfers; the person's details
    # become those the claimant gave (same ID number, so the same gender and birth date).
    moved = db.session.execute(
        update(Member).where(Member.id == member.id, Member.user_id == holder_user_id)
        .values(user_id=claim.user_id, application_id=claim.id, updated_at=clock.now(),
                **{name: getattr(claim, name) for name in PERSON_FIELDS})
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        abort(409, "dispute_changed", CHANGED)
    db.session.expire(member)


def _update_claim(claim: JoinApplication, admin: Admin, now, **values) -> None:
    _update(claim, admin, now, expected="disputed", **values)


def _update(application: JoinApplication, admin: Admin, now, expected: str | None = None,
            **values) -> None:
    db.session.flush()
    result = db.session.execute(
        update(JoinApplication)
        .where(JoinApplication.id == application.id,
               JoinApplication.status == (expected or application.status))
        .values(reviewed_by=admin.id, reviewed_at=now, **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        abort(409, "dispute_changed", CHANGED)
    db.session.expire(application)


def _notify_moved_to_review(claim: JoinApplication) -> None:
    """The claim is now an ordinary pending application: tell the claimant."""
    config = current_app.config
    reviewed = claim.reviewed_at.astimezone(SHANGHAI)
    enqueue(claim.user_id, config["WECHAT_TPL_JOIN_RESULT"], {
        "thing1": claim.org.name, "phrase2": "核实通过", "thing3": "身份已核实，入会申请待审核",
        "time4": f"{reviewed:%Y-%m-%d %H:%M}",
    }, page=f"{config['WECHAT_CODE_PAGE']}?application_id={claim.id}")
