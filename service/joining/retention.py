"""The retention purge (`flask retention purge`, daily): personal data nobody needs any more.

After RETENTION_DAYS (default 180) days:
- a rejected (or withdrawn) application, decided that long ago, loses its personal details;
- a withdrawn membership (changed that long ago) and its application lose theirs;
- an erased account (its data went at once) loses what was kept for the period: the client
  addresses of its own audit entries.
A purged account that holds nothing else is freed from its ID number as well. Each step
only picks rows not purged yet, so running it twice purges nothing more; the counts kept by
the statistics (org, occupation, status, dates) stay.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from service.core import clock
from service.extensions import db
from service.identity.audit import record
from service.identity.erasure import ERASED_TEXT, scrub_person
from service.models.accounts import User
from service.models.audit import AuditEntry
from service.models.members import JoinApplication, Member, MemberTransfer

BATCH = 500
# Applications that ended without a membership: refused, or taken back by the applicant.
ENDED_APPLICATIONS = ("rejected", "withdrawn")


def retention_cutoff():
    """The moment before which data past its retention period was last needed."""
    return clock.now() - timedelta(days=current_app.config["RETENTION_DAYS"])


def purge_expired() -> dict[str, int]:
    """Purge what is past the retention period; the counts of each kind (audited)."""
    cutoff = retention_cutoff()
    users: set[int] = set()
    decided = func.coalesce(JoinApplication.reviewed_at, JoinApplication.created_at)
    applications = _scrub_all(select(JoinApplication).where(
        JoinApplication.status.in_(ENDED_APPLICATIONS), JoinApplication.erased_at.is_(None),
        decided < cutoff), users)
    members = _scrub_all(select(Member).where(
        Member.status == "withdrawn", Member.erased_at.is_(None), Member.updated_at < cutoff),
        users, with_application=True)
    unbound = sum(_unbind_if_unused(user_id) for user_id in sorted(users))
    erased = db.session.scalars(select(User.id).where(User.erased_at < cutoff)).all()
    addresses = 0
    for start in range(0, len(erased), BATCH):
        addresses += db.session.execute(
            update(AuditEntry).where(AuditEntry.actor_kind == "member",
                                     AuditEntry.actor_id.in_(erased[start:start + BATCH]),
                                     AuditEntry.ip.is_not(None))
            .values(ip=None).execution_options(synchronize_session=False)).rowcount
    counts = {"applications": applications, "members": members, "accounts_unbound": unbound,
              "audit_addresses": addresses}
    record("retention.purge", detail={**counts,
                                      "retention_days": current_app.config["RETENTION_DAYS"]})
    return counts


def _scrub_all(query, users: set[int], with_application: bool = False) -> int:
    count = 0
    while rows := db.session.scalars(query.limit(BATCH)).all():  # a scrubbed row drops out
        for row in rows:
            scrub_person(row)
            users.add(row.user_id)
            if with_application:
                if row.application.erased_at is None:
                    scrub_person(row.application)
                db.session.execute(update(MemberTransfer)
                                   .where(MemberTransfer.member_id == row.id)
                                   .values(reason=ERASED_TEXT))
        count += len(rows)
        db.session.flush()
    return count


def _unbind_if_unused(user_id: int) -> bool:
    """Free the account from its ID number when no unpurged application or member needs it."""
    user = db.session.get(User, user_id)
    if user is None or user.id_number_index is None:
        return False
    live = db.session.scalar(select(JoinApplication.id).where(
        JoinApplication.user_id == user_id, JoinApplication.erased_at.is_(None)).limit(1))
    member = db.session.scalar(select(Member.id).where(
        Member.user_id == user_id, Member.erased_at.is_(None)))
    if live is not None or member is not None:
        return False
    user.id_number = user.id_number_index = None
    return True
