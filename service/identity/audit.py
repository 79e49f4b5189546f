"""Write the audit log from inside a request: who, when, what, from where, why."""

from flask import g
from sqlalchemy import or_, select, true

from service.core.database import newest_first
from service.core.proxies import client_address
from service.extensions import db
from service.identity.auth import scope_org_ids
from service.models.audit import AuditEntry
from service.models.orgs import covers_every_org, is_broad


def record(action: str, *, object_type: str | None = None, object_id=None,
           org_id: int | None = None, reason: str | None = None,
           detail: dict | None = None) -> AuditEntry:
    """Add an audit entry to the current transaction (no personal data in `detail`)."""
    admin, user = g.get("admin"), g.get("user")
    if admin is not None:
        kind, actor_id, name = "admin", admin.id, admin.username
    elif user is not None:
        kind, actor_id, name = "member", user.id, None
    else:
        kind, actor_id, name = "system", None, None
    entry = AuditEntry(
        actor_kind=kind, actor_id=actor_id, actor_name=name, action=action,
        object_type=object_type, object_id=None if object_id is None else str(object_id),
        org_id=org_id, reason=reason, detail=detail,
        ip=client_address(),
    )
    db.session.add(entry)
    return entry


def entries_in_scope(admin, filters: dict):
    """A SELECT of the audit entries `admin` may read, newest first, narrowed by `filters`.

    The caller's subtree; the root also sees the entries tied to no org.
    """
    if covers_every_org(admin.org):
        visible = true()  # every entry: the org-less ones and every org's
    else:
        visible = AuditEntry.org_id.in_(scope_org_ids(admin))
        if admin.org.parent_id is None:
            visible = or_(visible, AuditEntry.org_id.is_(None))
    narrowed = any(name in filters for name in ("action", "object_type", "object_id",
                                                 "since", "until"))
    query = newest_first(select(AuditEntry).where(visible), AuditEntry,
                         by_primary_key=not narrowed and is_broad(admin.org))
    for name in ("action", "object_type", "object_id"):
        if name in filters:
            query = query.where(getattr(AuditEntry, name) == filters[name])
    if "since" in filters:
        query = query.where(AuditEntry.at >= filters["since"])
    if "until" in filters:
        query = query.where(AuditEntry.at < filters["until"])
    return query
