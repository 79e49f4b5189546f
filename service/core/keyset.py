"""Reading a large, filtered table in id order, one short query per batch (the exports)."""

from collections.abc import Iterator

from sqlalchemy import Select

from service.core.database import replica_session, without_hints

BATCH = 1000


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


def in_id_order(statement: Select, entity, size: int = BATCH) -> Iterator:
    """Every row of `statement` (plain columns, `entity.id` first among them), a page at a
    time. Memory stays flat: each page is a new query, and its rows come straight from the
    connection, past the ORM's loading and identity map (a city's roster is 1.72 million
    of them). Read from the replica when there is one: the callers are exports, which may
    lag a second."""
    reads = replica_session()
    after = 0
    while True:
        page = id_page(statement, entity, after, size)
        batch = reads.connection().execute(page).all()
        if not batch:
            return
        yield from batch
        after = batch[-1].id
