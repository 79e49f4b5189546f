"""Bounded lists: every list endpoint pages through `paginate`."""

from sqlalchemy import func, select

from service.core.database import replica_session, without_hints
from service.extensions import db
from service.web.principal import principal_label


def _reads():
    """Staff lists may lag a second (the replica, when there is one); a member's own lists
    show what they have just submitted (the primary)."""
    label = principal_label()
    return replica_session() if label and label.startswith("admin:") else db.session


def paginate(statement, args: dict) -> dict:
    """Run `statement` for one page; return the envelope of API.md."""
    page, page_size = args["page"], args["page_size"]
    reads = _reads()
    total = reads.scalar(select(func.count()).select_from(
        without_hints(statement.order_by(None)).subquery()))
    items = reads.scalars(
        statement.limit(page_size).offset((page - 1) * page_size)).unique().all()
    return {"items": items, "total": total, "page": page, "page_size": page_size}
