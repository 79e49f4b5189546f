"""Write the audit log from inside a request: who, when, what, from where, why."""

from flask import g

from service.core.proxies import client_address
from service.extensions import db
from service.models.audit import AuditEntry


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
