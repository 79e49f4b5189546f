"""A member's own moves (DOMAIN.md "Membership lifecycle"): what transfers
(service/joining/transfers.py) and withdrawals (withdrawals.py) share, and holding.
Every step is a conditional UPDATE on the status (two staff at once move it once), an
event row (who, when) and a subscribe message to the member via the outbox."""

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from service.core import clock
from service.extensions import db
from service.identity.orgs import holding_pool
from service.joining.membership import member_of, transfer_member
from service.models.accounts import Admin, User
from service.models.lifecycle import (
    MembershipEvent,
    TransferRequest,
    WithdrawalRequest,
)
from service.models.members import Member
from service.models.orgs import Org
from service.models.outbox import enqueue
from service.web.errors import abort

TRANSFER_PHRASES = {"pending_release": "待转出", "pending_accept": "待转入",
                    "completed": "已转入", "refused": "未通过", "cancelled": "已撤销"}
HOLD_REMARKS = {"no_union": "新单位未建工会，会籍已转入保留池",
                "left_work": "离职未就业，会籍由原工会保留"}
MY_PAGE = "pages/membership/index"


def record_event(member_id: int, subject: str, subject_id: int | None, action: str,
           from_status: str | None, to_status: str, *, admin: Admin | None = None,
           user_id: int | None = None, note: str | None = None) -> None:
    db.session.add(MembershipEvent(member_id=member_id, subject=subject, subject_id=subject_id,
                                   action=action, from_status=from_status, to_status=to_status,
                                   admin_id=admin.id if admin else None, user_id=user_id,
                                   note=note[:200] if note else None))


def notify_member(user_id: int, org: Org, phrase: str, remark: str) -> None:
    """Queue the subscribe message of a membership step (the join-result template: org,
    result, remark, time)."""
    at = clock.now_shanghai()
    enqueue(user_id, current_app.config["WECHAT_TPL_JOIN_RESULT"], {
        "thing1": org.name[:20], "phrase2": phrase, "thing3": remark[:20],
        "time4": f"{at:%Y-%m-%d %H:%M}"}, page=MY_PAGE)


def current_member(user: User) -> Member:
    member = member_of(user)
    if member is None:
        abort(404, "not_member", "您还不是工会会员，扫描工会的入会码即可申请入会")
    if member.status == "withdrawn":
        abort(409, "membership_withdrawn", "您已退会，如需重新入会，请扫描工会的入会码申请")
    return member


def refuse_open_requests(member: Member) -> None:
    if db.session.scalar(select(TransferRequest.id)
                         .where(TransferRequest.live_member_id == member.id)):
        abort(409, "transfer_pending", "已有一项会籍转移正在办理中，请等待办理结果或先撤销")
    if db.session.scalar(select(WithdrawalRequest.id)
                         .where(WithdrawalRequest.live_member_id == member.id)):
        abort(409, "withdrawal_pending", "已有一份退会申请正在办理中，请等待工会确认")


def flush_live(conflict: str, message: str) -> None:
    # The unique live_member_id decides a race between two submissions of one member.
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        abort(409, conflict, message)


# --- holding (保留会籍) ----------------------------------------------------------------

def hold_membership(user: User, data: dict) -> Member:
    """Keep the membership while the member has no union to belong to.

    `no_union`: the new employer has none; the member moves to the holding pool of the
    district's new-employment federation (or the city's). `left_work`: no new employer;
    the current org keeps the member. Either way the member is `held`."""
    member = current_member(user)
    if member.status == "held":
        abort(409, "already_held", "您的会籍已在保留中")
    refuse_open_requests(member)
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
    record_event(member.id, "holding", None, "held", "active", "held", user_id=user.id, note=reason)
    notify_member(user.id, member.org, "保留会籍", HOLD_REMARKS[reason])
    return member


def status_counts(org_ids) -> dict[str, int]:
    """Members by status (active, held, withdrawn) in the orgs of the SELECT `org_ids`:
    held members are counted apart."""
    rows = db.session.execute(select(Member.status, func.count())
                              .where(Member.org_id.in_(org_ids)).group_by(Member.status))
    counts = {"active": 0, "held": 0, "withdrawn": 0}
    counts.update(dict(rows.all()))
    return counts
