"""Withdrawal (退会) on the member's request, confirmed by the org; the card stops at once
and a later rejoin gets the same member number back."""

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from service.core import clock
from service.extensions import db
from service.identity import audit
from service.identity.auth import scope_org_ids
from service.joining.applications import due_date
from service.joining.lifecycle import (
    current_member,
    flush_live,
    notify_member,
    record_event,
    refuse_open_requests,
)
from service.joining.roster import deadline_order
from service.models.accounts import Admin, User
from service.models.lifecycle import WithdrawalRequest
from service.models.members import JoinApplication, Member
from service.web.errors import abort


def request_withdrawal(user: User, reason: str) -> WithdrawalRequest:
    """The member asks to leave; the org confirms."""
    member = current_member(user)
    refuse_open_requests(member)
    now = clock.now()
    due, estimated = due_date(member.org, now)
    withdrawal = WithdrawalRequest(member=member, live_member_id=member.id, org=member.org,
                                   reason=reason, status="pending", due_on=due,
                                   due_on_estimated=estimated, created_at=now)
    db.session.add(withdrawal)
    flush_live("withdrawal_pending", "已有一份退会申请正在办理中，请等待工会确认")
    record_event(member.id, "withdrawal", withdrawal.id, "submitted", None, "pending",
           user_id=user.id, note=reason)
    notify_member(user.id, member.org, "待确认", "退会申请已提交")
    return withdrawal


def cancel_withdrawal(user: User) -> WithdrawalRequest:
    """The member takes back a withdrawal request the org has not confirmed yet."""
    withdrawal = my_withdrawal(user)
    done = db.session.execute(
        update(WithdrawalRequest)
        .where(WithdrawalRequest.id == withdrawal.id, WithdrawalRequest.status == "pending")
        .values(status="cancelled", live_member_id=None)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        abort(409, "withdrawal_state", "该退会申请已被处理，不能撤销")
    db.session.refresh(withdrawal)
    record_event(withdrawal.member_id, "withdrawal", withdrawal.id, "cancelled", "pending",
           "cancelled", user_id=user.id)
    notify_member(user.id, withdrawal.org, "已撤销", "退会申请已撤销")
    return withdrawal


def confirm_withdrawal(withdrawal: WithdrawalRequest, admin: Admin) -> WithdrawalRequest:
    """The org confirms: the membership is withdrawn and the card stops at once.

    The application gives up its live person index, so the person may apply again (and
    gets the same member number back, service/joining/membership.py `make_member`)."""
    done = db.session.execute(
        update(WithdrawalRequest)
        .where(WithdrawalRequest.id == withdrawal.id, WithdrawalRequest.status == "pending")
        .values(status="confirmed", live_member_id=None, confirmed_at=clock.now(),
                confirmed_by=admin.id).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        abort(409, "withdrawal_state", "该退会申请已被处理，请刷新后查看")
    db.session.refresh(withdrawal)
    member = withdrawal.member
    before = member.status
    member.status, member.hold_reason = "withdrawn", None
    db.session.execute(update(JoinApplication)
                       .where(JoinApplication.id == member.application_id)
                       .values(active_person_index=None)
                       .execution_options(synchronize_session=False))
    record_event(member.id, "withdrawal", withdrawal.id, "confirmed", before, "withdrawn",
           admin=admin)
    audit.record("withdrawal.confirm", object_type="withdrawal_request",
                 object_id=withdrawal.id, org_id=withdrawal.org_id,
                 detail={"member_no": member.member_no})
    notify_member(member.user_id, withdrawal.org, "已退会", "会员卡已停用，可随时重新入会")
    return withdrawal


def staff_withdrawals(args: dict):
    """Withdrawal requests of the caller's subtree, oldest due date first."""
    query = (select(WithdrawalRequest)
             .options(selectinload(WithdrawalRequest.member),
                      selectinload(WithdrawalRequest.org))
             .where(WithdrawalRequest.org_id.in_(scope_org_ids())))
    if "status" in args:
        query = query.where(WithdrawalRequest.status == args["status"])
    return deadline_order(query, WithdrawalRequest, ("pending",), args.get("overdue"))


def my_withdrawal(user: User) -> WithdrawalRequest:
    """The member's latest withdrawal request (404 when none)."""
    withdrawal = db.session.scalar(
        select(WithdrawalRequest).join(Member, WithdrawalRequest.member_id == Member.id)
        .where(Member.user_id == user.id).order_by(WithdrawalRequest.id.desc()).limit(1))
    if withdrawal is None:
        abort(404, "not_found", "没有退会申请")
    return withdrawal
