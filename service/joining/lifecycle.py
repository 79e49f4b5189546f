"""A member's own moves (DOMAIN.md "Membership lifecycle"): transfer on request, holding,
withdrawal. Every step is a conditional UPDATE on the status (two staff at once move it
once), an event row (who, when) and a subscribe message to the member via the outbox."""

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from service.core import clock
from service.extensions import db
from service.identity import audit
from service.identity.orgs import holding_pool
from service.joining.applications import due_date, join_target
from service.joining.membership import member_of, transfer_member
from service.models.accounts import Admin, User
from service.models.lifecycle import (
    TRANSFER_OPEN,
    MembershipEvent,
    TransferRequest,
    WithdrawalRequest,
)
from service.models.members import JoinApplication, Member
from service.models.orgs import Org
from service.models.outbox import enqueue
from service.web.errors import ApiError, abort

TRANSFER_PHRASES = {"pending_release": "待转出", "pending_accept": "待转入",
                    "completed": "已转入", "refused": "未通过", "cancelled": "已撤销"}
HOLD_REMARKS = {"no_union": "新单位未建工会，会籍已转入保留池",
                "left_work": "离职未就业，会籍由原工会保留"}
MY_PAGE = "pages/membership/index"


def _event(member_id: int, subject: str, subject_id: int | None, action: str,
           from_status: str | None, to_status: str, *, admin: Admin | None = None,
           user_id: int | None = None, note: str | None = None) -> None:
    db.session.add(MembershipEvent(member_id=member_id, subject=subject, subject_id=subject_id,
                                   action=action, from_status=from_status, to_status=to_status,
                                   admin_id=admin.id if admin else None, user_id=user_id,
                                   note=note[:200] if note else None))


def _notify(user_id: int, org: Org, phrase: str, remark: str) -> None:
    """Queue the subscribe message of a membership step (the join-result template: org,
    result, remark, time)."""
    at = clock.now_shanghai()
    enqueue(user_id, current_app.config["WECHAT_TPL_JOIN_RESULT"], {
        "thing1": org.name[:20], "phrase2": phrase, "thing3": remark[:20],
        "time4": f"{at:%Y-%m-%d %H:%M}"}, page=MY_PAGE)


def _current_member(user: User) -> Member:
    member = member_of(user)
    if member is None:
        abort(404, "not_member", "您还不是工会会员，扫描工会的入会码即可申请入会")
    if member.status == "withdrawn":
        abort(409, "membership_withdrawn", "您已退会，如需重新入会，请扫描工会的入会码申请")
    return member


def _refuse_open_requests(member: Member) -> None:
    if db.session.scalar(select(TransferRequest.id)
                         .where(TransferRequest.live_member_id == member.id)):
        abort(409, "transfer_pending", "已有一项会籍转移正在办理中，请等待办理结果或先撤销")
    if db.session.scalar(select(WithdrawalRequest.id)
                         .where(WithdrawalRequest.live_member_id == member.id)):
        abort(409, "withdrawal_pending", "已有一份退会申请正在办理中，请等待工会确认")


def _flush_live(conflict: str, message: str) -> None:
    # The unique live_member_id decides a race between two submissions of one member.
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        abort(409, conflict, message)


# --- transfer on the member's request (会籍转移) -------------------------------------

def request_transfer(user: User, data: dict) -> TransferRequest:
    """The member asks to move to the org of a join code (or one picked)."""
    member = _current_member(user)
    target, _ = join_target(data)
    if target.id == member.org_id:
        abort(409, "same_org", f"您已是{target.name}会员，无需转移")
    if not target.accepts_members or target.kind == "holding_pool":
        abort(422, "org_not_accepting", f"{target.name}不接收会籍转入，请选择其他工会组织",
              {"json": {"org_id": ["该组织不接收会籍转入"]}})
    _refuse_open_requests(member)
    now = clock.now()
    due, estimated = due_date(member.org, now)
    transfer = TransferRequest(member=member, live_member_id=member.id,
                               from_org=member.org, to_org=target, reason=data["reason"],
                               status="pending_release", due_on=due,
                               due_on_estimated=estimated, created_at=now)
    db.session.add(transfer)
    _flush_live("transfer_pending", "已有一项会籍转移正在办理中，请等待办理结果或先撤销")
    _event(member.id, "transfer", transfer.id, "submitted", None, "pending_release",
           user_id=user.id, note=data["reason"])
    _notify(user.id, member.org, "待转出", f"转往{target.name}"[:20])
    return transfer


def _move(transfer: TransferRequest, expected, admin: Admin | None, action: str,
          note: str | None = None, user_id: int | None = None, **values) -> None:
    """Change the status if it is still `expected`; 409 when another actor was first."""
    expected = (expected,) if isinstance(expected, str) else expected
    before = transfer.status
    moved = db.session.execute(
        update(TransferRequest)
        .where(TransferRequest.id == transfer.id, TransferRequest.status.in_(expected))
        .values(**values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        abort(409, "transfer_state", "该会籍转移已被处理或状态已变化，请刷新后查看")
    db.session.refresh(transfer)
    _event(transfer.member_id, "transfer", transfer.id, action, before, transfer.status,
           admin=admin, user_id=user_id, note=note)
    audit_action = f"transfer.{action}"
    if admin is not None:
        audit.record(audit_action, object_type="transfer_request", object_id=transfer.id,
                     org_id=transfer.to_org_id, reason=(note or "")[:255] or None,
                     detail={"from_org_id": transfer.from_org_id,
                             "to_org_id": transfer.to_org_id})


def cancel_transfer(user: User, transfer: TransferRequest) -> TransferRequest:
    """The member withdraws a transfer request while it is pending."""
    _move(transfer, TRANSFER_OPEN, None, "cancelled", user_id=user.id, status="cancelled",
          live_member_id=None)
    _notify(user.id, transfer.from_org, "已撤销", f"转往{transfer.to_org.name}"[:20])
    return transfer


def release_transfer(transfer: TransferRequest, admin: Admin | None) -> TransferRequest:
    """The current org lets the member go (None: released by itself past its due date).

    The new org's answer is due in its own working days from the release."""
    now = clock.now()
    due, estimated = due_date(transfer.to_org, now)
    _move(transfer, "pending_release", admin, "released" if admin else "auto_released",
          status="pending_accept", released_at=now, released_by=admin.id if admin else None,
          due_on=due, due_on_estimated=estimated)
    _notify(transfer.member.user_id, transfer.to_org, "待转入",
            "原工会已同意转出" if admin else "原工会逾期未答复，已自动转出")
    return transfer


def accept_transfer(transfer: TransferRequest, admin: Admin) -> TransferRequest:
    """The new org takes the member: number, join date and history stay; a history row."""
    _move(transfer, "pending_accept", admin, "accepted", status="completed",
          live_member_id=None, decided_at=clock.now(), decided_by=admin.id)
    member = transfer.member
    if member.org_id != transfer.from_org_id:
        abort(409, "member_changed", "该会员的所属组织已被修改，请刷新后查看")
    history = transfer_member(member, transfer.to_org, transfer.reason, admin)
    if member.status == "held":
        _event(member.id, "holding", None, "ended", "held", "active", admin=admin)
    member.status, member.hold_reason = "active", None
    transfer.transfer_id = history.id
    _notify(member.user_id, transfer.to_org, "已转入", "会籍转移已完成")
    return transfer


def refuse_transfer(transfer: TransferRequest, admin: Admin, reason: str) -> TransferRequest:
    """The new org declines, with a reason; the member stays where they were."""
    _move(transfer, "pending_accept", admin, "refused", reason, status="refused",
          live_member_id=None, refuse_reason=reason, decided_at=clock.now(),
          decided_by=admin.id)
    _notify(transfer.member.user_id, transfer.to_org, "未通过", reason)
    return transfer


def release_overdue(today) -> int:
    """Release every transfer whose current org let the due date pass without an answer."""
    ids = db.session.scalars(select(TransferRequest.id).where(
        TransferRequest.status == "pending_release", TransferRequest.due_on < today)).all()
    released = 0
    for transfer_id in ids:
        transfer = db.session.get(TransferRequest, transfer_id)
        try:
            release_transfer(transfer, None)
        except ApiError:  # released or cancelled meanwhile: nothing to do
            continue
        released += 1
    return released


# --- holding (保留会籍) ----------------------------------------------------------------

def hold_membership(user: User, data: dict) -> Member:
    """Keep the membership while the member has no union to belong to.

    `no_union`: the new employer has none; the member moves to the holding pool of the
    district's new-employment federation (or the city's). `left_work`: no new employer;
    the current org keeps the member. Either way the member is `held`."""
    member = _current_member(user)
    if member.status == "held":
        abort(409, "already_held", "您的会籍已在保留中")
    _refuse_open_requests(member)
    reason = data["reason"]
    if reason == "no_union":
        district = data.get("district_code") or member.org.district_code
        pool = holding_pool(district)
        if pool is None:
            abort(409, "no_holding_pool", "本地暂未设立会籍保留池，请联系工会工作人员办理")
        if pool.id != member.org_id:
            transfer_member(member, pool, "保留会籍：新单位未建立工会", None)
    held = db.session.execute(
        update(Member).where(Member.id == member.id, Member.status == "active")
        .values(status="held", hold_reason=reason, updated_at=clock.now())
        .execution_options(synchronize_session=False))
    if held.rowcount != 1:
        abort(409, "already_held", "您的会籍已在保留中")
    db.session.refresh(member)
    _event(member.id, "holding", None, "held", "active", "held", user_id=user.id, note=reason)
    _notify(user.id, member.org, "保留会籍", HOLD_REMARKS[reason])
    return member


def status_counts(org_ids) -> dict[str, int]:
    """Members by status (active, held, withdrawn) in the orgs of the SELECT `org_ids`:
    held members are counted apart."""
    rows = db.session.execute(select(Member.status, func.count())
                              .where(Member.org_id.in_(org_ids)).group_by(Member.status))
    counts = {"active": 0, "held": 0, "withdrawn": 0}
    counts.update(dict(rows.all()))
    return counts


# --- withdrawal (退会) -----------------------------------------------------------------

def request_withdrawal(user: User, reason: str) -> WithdrawalRequest:
    """The member asks to leave; the org confirms."""
    member = _current_member(user)
    _refuse_open_requests(member)
    now = clock.now()
    due, estimated = due_date(member.org, now)
    withdrawal = WithdrawalRequest(member=member, live_member_id=member.id, org=member.org,
                                   reason=reason, status="pending", due_on=due,
                                   due_on_estimated=estimated, created_at=now)
    db.session.add(withdrawal)
    _flush_live("withdrawal_pending", "已有一份退会申请正在办理中，请等待工会确认")
    _event(member.id, "withdrawal", withdrawal.id, "submitted", None, "pending",
           user_id=user.id, note=reason)
    _notify(user.id, member.org, "待确认", "退会申请已提交")
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
    _event(withdrawal.member_id, "withdrawal", withdrawal.id, "cancelled", "pending",
           "cancelled", user_id=user.id)
    _notify(user.id, withdrawal.org, "已撤销", "退会申请已撤销")
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
    _event(member.id, "withdrawal", withdrawal.id, "confirmed", before, "withdrawn",
           admin=admin)
    audit.record("withdrawal.confirm", object_type="withdrawal_request",
                 object_id=withdrawal.id, org_id=withdrawal.org_id,
                 detail={"member_no": member.member_no})
    _notify(member.user_id, withdrawal.org, "已退会", "会员卡已停用，可随时重新入会")
    return withdrawal


# --- staff queues ---------------------------------------------------------------------

def staff_transfers(args: dict):
    """Transfers in the caller's subtree: leaving it (`out`), coming in (`in`) or either;
    oldest due date first."""
    from service.identity.auth import scope_org_ids
    from service.joining.deadlines import deadline_order

    scope = scope_org_ids()
    sides = {"out": TransferRequest.from_org_id.in_(scope),
             "in": TransferRequest.to_org_id.in_(scope)}
    query = select(TransferRequest).options(
        selectinload(TransferRequest.member), selectinload(TransferRequest.from_org),
        selectinload(TransferRequest.to_org))
    if "direction" in args:
        query = query.where(sides[args["direction"]])
    else:
        query = query.where(sides["out"] | sides["in"])
    if "status" in args:
        query = query.where(TransferRequest.status == args["status"])
    return deadline_order(query, TransferRequest, TRANSFER_OPEN, args.get("overdue"))


def staff_withdrawals(args: dict):
    """Withdrawal requests of the caller's subtree, oldest due date first."""
    from service.identity.auth import scope_org_ids
    from service.joining.deadlines import deadline_order

    query = (select(WithdrawalRequest)
             .options(selectinload(WithdrawalRequest.member),
                      selectinload(WithdrawalRequest.org))
             .where(WithdrawalRequest.org_id.in_(scope_org_ids())))
    if "status" in args:
        query = query.where(WithdrawalRequest.status == args["status"])
    return deadline_order(query, WithdrawalRequest, ("pending",), args.get("overdue"))


def my_transfers(user: User):
    """The member's transfer requests, newest first."""
    return (select(TransferRequest)
            .options(selectinload(TransferRequest.from_org),
                     selectinload(TransferRequest.to_org))
            .join(Member, TransferRequest.member_id == Member.id)
            .where(Member.user_id == user.id).order_by(TransferRequest.id.desc()))


def my_transfer(user: User, transfer_id: int) -> TransferRequest:
    """One of the member's own transfer requests (404 for anyone else's)."""
    transfer = db.session.get(TransferRequest, transfer_id)
    if transfer is None or transfer.member.user_id != user.id:
        abort(404, "not_found", "会籍转移申请不存在")
    return transfer


def my_withdrawal(user: User) -> WithdrawalRequest:
    """The member's latest withdrawal request (404 when none)."""
    withdrawal = db.session.scalar(
        select(WithdrawalRequest).join(Member, WithdrawalRequest.member_id == Member.id)
        .where(Member.user_id == user.id).order_by(WithdrawalRequest.id.desc()).limit(1))
    if withdrawal is None:
        abort(404, "not_found", "没有退会申请")
    return withdrawal
