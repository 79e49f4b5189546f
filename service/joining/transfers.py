"""Transfer on the member's request (会籍转移): the current org releases (or the release
happens by itself past its due date), the new org accepts or refuses with a reason."""

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from service.core import clock
from service.extensions import db
from service.identity import audit
from service.identity.auth import scope_org_ids
from service.joining.applications import due_date, join_target
from service.joining.lifecycle import (
    current_member,
    flush_live,
    notify_member,
    record_event,
    refuse_open_requests,
)
from service.joining.membership import transfer_member
from service.joining.roster import deadline_order
from service.models.accounts import Admin, User
from service.models.lifecycle import TRANSFER_OPEN, TransferRequest
from service.models.members import Member
from service.web.errors import ApiError, abort


def request_transfer(user: User, data: dict) -> TransferRequest:
    """The member asks to move to the org of a join code (or one picked)."""
    member = current_member(user)
    target, _ = join_target(data)
    if target.id == member.org_id:
        abort(409, "same_org", f"您已是{target.name}会员，无需转移")
    if not target.accepts_members or target.kind == "holding_pool":
        abort(422, "org_not_accepting", f"{target.name}不接收会籍转入，请选择其他工会组织",
              {"json": {"org_id": ["该组织不接收会籍转入"]}})
    refuse_open_requests(member)
    now = clock.now()
    due, estimated = due_date(member.org, now)
    transfer = TransferRequest(member=member, live_member_id=member.id,
                               from_org=member.org, to_org=target, reason=data["reason"],
                               status="pending_release", due_on=due,
                               due_on_estimated=estimated, created_at=now)
    db.session.add(transfer)
    flush_live("transfer_pending", "已有一项会籍转移正在办理中，请等待办理结果或先撤销")
    record_event(member.id, "transfer", transfer.id, "submitted", None, "pending_release",
           user_id=user.id, note=data["reason"])
    notify_member(user.id, member.org, "待转出", f"转往{target.name}"[:20])
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
    record_event(transfer.member_id, "transfer", transfer.id, action, before, transfer.status,
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
    notify_member(user.id, transfer.from_org, "已撤销", f"转往{transfer.to_org.name}"[:20])
    return transfer


def release_transfer(transfer: TransferRequest, admin: Admin | None) -> TransferRequest:
    """The current org lets the member go (None: released by itself past its due date).

    The new org's answer is due in its own working days from the release."""
    now = clock.now()
    due, estimated = due_date(transfer.to_org, now)
    _move(transfer, "pending_release", admin, "released" if admin else "auto_released",
          status="pending_accept", released_at=now, released_by=admin.id if admin else None,
          due_on=due, due_on_estimated=estimated)
    notify_member(transfer.member.user_id, transfer.to_org, "待转入",
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
        record_event(member.id, "holding", None, "ended", "held", "active", admin=admin)
    member.status, member.hold_reason = "active", None
    transfer.transfer_id = history.id
    notify_member(member.user_id, transfer.to_org, "已转入", "会籍转移已完成")
    return transfer


def refuse_transfer(transfer: TransferRequest, admin: Admin, reason: str) -> TransferRequest:
    """The new org declines, with a reason; the member stays where they were."""
    _move(transfer, "pending_accept", admin, "refused", reason, status="refused",
          live_member_id=None, refuse_reason=reason, decided_at=clock.now(),
          decided_by=admin.id)
    notify_member(transfer.member.user_id, transfer.to_org, "未通过", reason)
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


def staff_transfers(args: dict):
    """Transfers in the caller's subtree: leaving it (`out`), coming in (`in`) or either;
    oldest due date first."""
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
