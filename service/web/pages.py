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


def _ordered_by_id(statement):
    """The one entity `statement` selects from its table alone (no join) when its order
    ends with that entity's id (a unique order), else None."""
    descriptions = statement.column_descriptions
    alone = len(descriptions) == 1 and len(statement.get_final_froms()) == 1
    entity = descriptions[0]["entity"] if alone else None
    if entity is None or descriptions[0]["expr"] is not entity:
        return None
    order = statement._order_by_clauses
    last = order[-1] if order else None
    column = getattr(last, "element", last)  # id or id DESC
    return entity if column is not None and column.compare(entity.id.expression) else None


def _later_page(reads, statement, entity, limit: int, offset: int) -> list:
    """A page past the first as a deferred join: the ids by the statement's own plan (its
    index, or its primary key read in order), skipping `offset` of them without loading
    their rows; then the page's rows by id, in the same order."""
    ids = list(reads.scalars(statement.with_only_columns(entity.id)
                             .limit(limit).offset(offset)))
    if not ids:
        return []
    return reads.scalars(without_hints(statement).where(entity.id.in_(ids))).unique().all()


def paginate(statement, args: dict) -> dict:
    """Run `statement` for one page; return the envelope of API.md."""
    page, page_size = args["page"], args["page_size"]
    reads = _reads()
    total = reads.scalar(select(func.count()).select_from(
        without_hints(statement.order_by(None), keep_lookups=True).subquery()))
    entity = _ordered_by_id(statement) if page > 1 else None
    if entity is not None:
        items = _later_page(reads, statement, entity, page_size, (page - 1) * page_size)
    else:
        items = reads.scalars(
            statement.limit(page_size).offset((page - 1) * page_size)).unique().all()
    return {"items": items, "total": total, "page": page, "page_size": page_size}
