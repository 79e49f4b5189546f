"""Bounded lists: every list endpoint pages through `paginate`."""

from sqlalchemy import func, select

from service.core.database import replica_session, unique_order_of, without_hints
from service.extensions import db
from service.web.principal import principal_label

KNOWN_TOTAL = "known_total"


def _reads():
    """Staff lists may lag a second (the replica, when there is one); a member's own lists
    show what they have just submitted (the primary)."""
    label = principal_label()
    return replica_session() if label and label.startswith("admin:") else db.session


def with_known_total(statement, total):
    """`statement` whose total `total(session)` gives without counting its rows (the
    figures kept per org subtree, service/joining/figures.py), when `total` is not None.

    Give it last: a filter added after it would not be in the total."""
    return statement if total is None else statement.execution_options(**{KNOWN_TOTAL: total})


def _alone(statement):
    """The one entity `statement` selects from its table alone (no join) when its order
    ends with that entity's id (core.database.ordered_by_id), else None."""
    entity = unique_order_of(statement)
    descriptions = statement.column_descriptions
    alone = len(descriptions) == 1 and len(statement.get_final_froms()) == 1
    return entity if alone and entity is not None and descriptions[0]["expr"] is entity \
        else None


def _later_page(reads, statement, entity, limit: int, offset: int) -> list:
    """A page past the first as a deferred join: the ids by the statement's own plan (its
    index, or its primary key read in order), skipping `offset` of them without loading
    their rows; then the page's rows by id, in the same order."""
    ids = list(reads.scalars(statement.with_only_columns(entity.id)
                             .limit(limit).offset(offset)))
    if not ids:
        return []
    return reads.scalars(without_hints(statement).where(entity.id.in_(ids))).unique().all()


def count_of(reads, statement) -> int:
    """The rows `statement` selects, counted (its known total when it has one)."""
    known = statement.get_execution_options().get(KNOWN_TOTAL)
    if known is not None:
        return known(reads)
    return reads.scalar(select(func.count()).select_from(
        without_hints(statement.order_by(None), keep_lookups=True).subquery()))


def paginate(statement, args: dict) -> dict:
    """Run `statement` for one page; return the envelope of API.md."""
    page, page_size = args["page"], args["page_size"]
    reads = _reads()
    total = count_of(reads, statement)
    entity = _alone(statement) if page > 1 else None
    if entity is not None:
        items = _later_page(reads, statement, entity, page_size, (page - 1) * page_size)
    else:
        items = reads.scalars(
            statement.limit(page_size).offset((page - 1) * page_size)).unique().all()
    return {"items": items, "total": total, "page": page, "page_size": page_size}
