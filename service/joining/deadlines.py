"""Due dates in staff queues and the daily reminder (`flask deadlines remind`).

An item is overdue when still open after its due date (Asia/Shanghai). Reviewers of the
org that must answer (the nearest org up the tree with reviewers, when it has none of its
own) are reminded of items due within 2 working days; overdue items are escalated to the
reviewers of the org above them, whose subtree holds the item, so they may
act on it. Staff accounts have no WeChat openid: a reminder is a `deadline_reminders` row
per reviewer, written once (its unique key), so a second run sends nothing new."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.exc import IntegrityError

from service.core import clock
from service.core.workdays import add_working_days
from service.extensions import db
from service.identity.auth import has_role
from service.joining.transfers import release_overdue
from service.models.accounts import Admin
from service.models.lifecycle import (
    TRANSFER_OPEN,
    DeadlineReminder,
    TransferRequest,
    WithdrawalRequest,
)
from service.models.members import JoinApplication
from service.models.orgs import Org

SOON_WORKING_DAYS = 2
REVIEWER_ROLE = "member_reviewer"


def is_overdue(item) -> bool:
    """Whether an open item's due date has passed (Shanghai business date)."""
    return item.due_on is not None and item.due_on < clock.today_shanghai() and (
        item.status in ("pending", *TRANSFER_OPEN))


@dataclass(frozen=True)
class OpenItem:
    kind: str
    id: int
    org_id: int  # the org that must answer
    due_on: object


def _open_items(due_by) -> list[OpenItem]:
    """The open items due on or before `due_by`."""
    items = [OpenItem("join_application", i, o, d) for i, o, d in db.session.execute(
        select(JoinApplication.id, JoinApplication.org_id, JoinApplication.due_on)
        .where(JoinApplication.status == "pending", JoinApplication.due_on <= due_by))]
    answering = case((TransferRequest.status == "pending_release", TransferRequest.from_org_id),
                     else_=TransferRequest.to_org_id)
    items += [OpenItem("transfer", i, o, d) for i, o, d in db.session.execute(
        select(TransferRequest.id, answering, TransferRequest.due_on)
        .where(TransferRequest.status.in_(TRANSFER_OPEN), TransferRequest.due_on <= due_by))]
    items += [OpenItem("withdrawal", i, o, d) for i, o, d in db.session.execute(
        select(WithdrawalRequest.id, WithdrawalRequest.org_id, WithdrawalRequest.due_on)
        .where(WithdrawalRequest.status == "pending", WithdrawalRequest.due_on <= due_by))]
    return items


def _sent(items: list[OpenItem]) -> set[tuple]:
    """(item kind, item id, reminder kind, admin id) of the reminders already written for
    `items`, read a thousand items at a time."""
    sent = set()
    for kind in {item.kind for item in items}:
        ids = [item.id for item in items if item.kind == kind]
        for start in range(0, len(ids), 1000):
            sent.update(db.session.execute(
                select(DeadlineReminder.item_kind, DeadlineReminder.item_id,
                       DeadlineReminder.kind, DeadlineReminder.admin_id)
                .where(DeadlineReminder.item_kind == kind,
                       DeadlineReminder.item_id.in_(ids[start:start + 1000]))).all())
    return sent


def reviewers_of(org_id: int) -> list[Admin]:
    """The active staff of the org who review membership items."""
    admins = db.session.scalars(select(Admin).where(Admin.org_id == org_id,
                                                    Admin.is_active.is_(True)))
    return [admin for admin in admins if has_role(admin, REVIEWER_ROLE)]


def answering_reviewers(org_id: int | None, parents: dict,
                        known: dict | None = None) -> tuple[int | None, list[Admin]]:
    """The nearest org from `org_id` up that has reviewers, and those reviewers: staff of
    an org or of any ancestor may act on its items (their subtree holds it). `known`:
    reviewers already read, by org id, kept for the next call."""
    known = {} if known is None else known
    while org_id is not None:
        if org_id not in known:
            known[org_id] = reviewers_of(org_id)
        if known[org_id]:
            return org_id, known[org_id]
        org_id = parents.get(org_id)
    return None, []


def _send(item: OpenItem, kind: str, org_id: int, admins: list[Admin],
          counts: Counter, sent: set) -> None:
    for admin in admins:
        if (item.kind, item.id, kind, admin.id) in sent:
            continue
        try:
            with db.session.begin_nested():  # a run at the same time wrote it first
                db.session.add(DeadlineReminder(item_kind=item.kind, item_id=item.id,
                                                kind=kind, org_id=org_id, admin_id=admin.id,
                                                due_on=item.due_on))
        except IntegrityError:
            continue
        counts[kind] += 1


def remind() -> Counter:
    """Release overdue transfers, remind of items due soon, escalate overdue ones.

    Counts: released, due_soon, escalated (reminders written now)."""
    today = clock.today_shanghai()
    counts: Counter = Counter(released=release_overdue(today), due_soon=0, escalated=0)
    soon, _ = add_working_days(today, SOON_WORKING_DAYS)
    parents = dict(db.session.execute(select(Org.id, Org.parent_id)).all())
    items = _open_items(soon)
    sent, known = _sent(items), {}
    for item in items:
        reviewing_org, reviewers = answering_reviewers(item.org_id, parents, known)
        if item.due_on >= today:
            _send(item, "due_soon", reviewing_org, reviewers, counts, sent)
            continue
        # Overdue: to the reviewers above those who should have answered (the root's own
        # reviewers when nobody is above them).
        parent_org, above = answering_reviewers(parents.get(reviewing_org), parents, known)
        if parent_org is None:
            parent_org, above = reviewing_org, reviewers
        _send(item, "escalated", parent_org, above, counts, sent)
    db.session.commit()
    return counts


def reminders_for(admin: Admin):
    """The reminders sent to a staff account, newest first."""
    return (select(DeadlineReminder).where(DeadlineReminder.admin_id == admin.id)
            .order_by(DeadlineReminder.id.desc()))
