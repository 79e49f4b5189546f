"""Reading a large, filtered table in id order, one short query per batch (the exports)."""

import queue
import threading
from array import array
from collections.abc import Callable, Iterator

from sqlalchemy import Connection, Select

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
    lag a second. The pages are read one ahead (`_read_ahead`).

    `by_ids` for a statement that keeps a small share of the table (a district's 91,552
    members of the city's 1.72 million): its ids first, from an index (8 bytes each, 14 MB
    at most for the city), then its rows by those ids, a list a page. Paged along the
    primary key instead, such an export reads every row of the table to keep one in
    twenty; for the whole table that is the quicker way.
    """
    def pages(connection) -> Iterator[list]:
        if by_ids:
            found = connection.execute(ids_of(statement, entity).execution_options(
                stream_results=True, yield_per=10_000))
            ids = array("q", found.scalars())
            step = min(size, ID_LIST)
            for start in range(0, len(ids), step):
                yield connection.execute(
                    listed_page(statement, entity, ids[start:start + step])).all()
            return
        after = 0
        while batch := connection.execute(id_page(statement, entity, after, size)).all():
            yield batch
            after = batch[-1].id

    for batch in _read_ahead(replica_session().get_bind(), pages):
        yield from batch


_DONE = object()


def _read_ahead(engine, pages: Callable[[Connection], Iterator[list]]) -> Iterator[list]:
    """The pages of `pages(connection)`, read in a thread of their own on a connection of
    their own while the caller works through the page before: the database's time for a
    page passes while the worker writes the last one out, not after it. One page waits at
    most (memory stays flat); a caller that stops early (a download cut short) stops the
    reading at the next page."""
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand_on(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            with engine.connect() as connection:
                for batch in pages(connection):
                    if not hand_on(batch):
                        return
        except Exception as exc:  # raised again in the caller's thread
            hand_on(exc)
            return
        hand_on(_DONE)

    reader = threading.Thread(target=read, name="export-read-ahead", daemon=True)
    reader.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()
