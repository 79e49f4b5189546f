"""Reading a large, filtered table in id order, one short query per batch (the exports)."""

from array import array
from collections.abc import Iterator

from sqlalchemy import Select

from service.core.database import replica_session, without_hints

BATCH = 1000
# Ids a page of `by_ids` names: MariaDB turns a list of 1000 values or more into a table
# of values it joins and sorts (in_predicate_conversion_threshold); below, a range each.
ID_LIST = 999


def id_page(statement: Select, entity, after: int, size: int = BATCH) -> Select:
    """The next `size` results of `statement` with `entity.id` above `after`, in id order.

    On MySQL and MariaDB the page reads `entity`'s table first, along its primary key, and
    stops after `size` rows. Left to itself, for a filter on an org subtree the planner
    starts from the small orgs table and sorts every matching row again for each page,
    which makes an export of the whole city quadratic in its length. Any hint of the
    statement's own (a list's index for a search) gives way to that.
    """
    return (without_hints(statement).where(entity.id > after).order_by(entity.id).limit(size)
            .with_hint(entity, "FORCE INDEX (PRIMARY)", "mysql")
            .prefix_with("STRAIGHT_JOIN", dialect="mysql"))


def ids_of(statement: Select, entity) -> Select:
    """The ids of `statement`'s rows in id order, found the way the statement finds them
    (its hints kept: a search's index), read from an index alone where one covers them."""
    return statement.with_only_columns(entity.id).order_by(entity.id)


def listed_page(statement: Select, entity, ids) -> Select:
    """The rows of `statement` among `ids` (at most ID_LIST of them), in id order: each
    looked up by its primary key, the statement's filters checked again."""
    return (without_hints(statement).where(entity.id.in_(list(ids))).order_by(entity.id)
            .with_hint(entity, "FORCE INDEX (PRIMARY)", "mysql")
            .prefix_with("STRAIGHT_JOIN", dialect="mysql"))


def in_id_order(statement: Select, entity, size: int = BATCH, *,
                by_ids: bool = False) -> Iterator:
    """Every row of `statement` (plain columns, `entity.id` first among them), a page at a
    time. Memory stays flat: each page is a new query, and its rows come straight from the
    connection, past the ORM's loading and identity map (a city's roster is 1.72 million
    of them). Read from the replica when there is one: the callers are exports, which may
    lag a second.

    `by_ids` for a statement that keeps a small share of the table (a district's 91,552
    members of the city's 1.72 million): its ids first, from an index (8 bytes each, 14 MB
    at most for the city), then its rows by those ids, a list a page. Paged along the
    primary key instead, such an export reads every row of the table to keep one in
    twenty; for the whole table that is the quicker way.
    """
    reads = replica_session()
    if by_ids:
        found = reads.connection().execute(
            ids_of(statement, entity).execution_options(stream_results=True, yield_per=10_000))
        ids = array("q", found.scalars())
        step = min(size, ID_LIST)
        for start in range(0, len(ids), step):
            yield from reads.connection().execute(
                listed_page(statement, entity, ids[start:start + step])).all()
        return
    after = 0
    while True:
        page = id_page(statement, entity, after, size)
        batch = reads.connection().execute(page).all()
        if not batch:
            return
        yield from batch
        after = batch[-1].id
