"""What the staff lists hold beside the city's members: a review queue of pending
applications with their due dates, spread over the unions as the members are, and an
audit log of the city's approvals. Loaded in bulk, topped up only to what is missing."""

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from bench.city import Spread, load_city_tree
from bench.data import batches
from bench.people import _add_users, _next_id, person
from service.core.pii import blind_index
from service.domain.idcard import parse_id_number
from service.extensions import db
from service.models.accounts import User
from service.models.audit import AuditEntry
from service.models.members import JoinApplication

PENDING_PREFIX = "bench-pending"
AUDIT_ACTIONS = ("join.approve", "join.approve", "join.approve", "member.lookup",
                 "member.export", "refund.pay")


def pending_applications() -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.openid.like(f"{PENDING_PREFIX}-%")))


def load_pending_applications(count: int) -> int:
    """`count` pending applications over the city's unions (as its members spread), due
    over the coming days and weeks, some already overdue; the queue's size."""
    unions = load_city_tree()
    loaded = pending_applications()
    if loaded >= count:
        return loaded
    spread, now = Spread(unions, seed=21), datetime.now(UTC)
    numbers = range(loaded, count)
    first_user, first_application = _next_id(User) - loaded, _next_id(JoinApplication) - loaded
    _add_users(PENDING_PREFIX, first_user, numbers)
    for batch in batches(numbers):
        rows = []
        for n in batch:
            fields = person(n, "410106", "138")  # a population of its own
            identity = parse_id_number(fields["id_number"], now.date())
            index = blind_index("id_number", identity.number)
            rows.append({**fields, "gender": identity.gender, "birth_date": identity.birth_date,
                         "phone_index": blind_index("phone", fields["phone"]),
                         "id": first_application + n, "user_id": first_user + n,
                         "org_id": spread.union_of(n), "id_index": index,
                         "active_person_index": index, "status": "pending",
                         "created_at": now - timedelta(minutes=n % 20_000),
                         "due_on": (now + timedelta(days=n % 40 - 5)).date()})
        db.session.execute(insert(JoinApplication), rows)
    db.session.commit()
    return pending_applications()


def load_audit_entries(count: int) -> int:
    """The audit log up to `count` entries of the city's work, over its unions; its size."""
    unions = load_city_tree()
    loaded = db.session.scalar(select(func.count(AuditEntry.id)))
    if loaded >= count:
        return loaded
    rng, now = random.Random(22), datetime.now(UTC)
    spread = Spread(unions, seed=22)
    for batch in batches(range(loaded, count)):
        db.session.execute(insert(AuditEntry), [
            {"at": now - timedelta(seconds=count - n), "actor_kind": "admin", "actor_id": 1,
             "actor_name": "city_admin", "action": rng.choice(AUDIT_ACTIONS),
             "object_type": "member", "object_id": str(n), "org_id": spread.union_of(n)}
            for n in batch])
    db.session.commit()
    return db.session.scalar(select(func.count(AuditEntry.id)))
