"""Declarative base, naming conventions, the UTC timestamp type: shared by every model."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, registry

REPLICA = "replica"  # the bind key of DATABASE_REPLICA_URL (service/config.py)
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


UNIQUE_ORDER = "unique_order_of"  # the entity whose id ends a statement's order
ORDER_HINTS = "order_hints"  # the plan hints that pin a statement's reading order


def ordered_by_id(statement, model, *columns, descending: bool = False):
    """`statement` ordered by `columns`, then by `model.id` (a unique order), marked so that
    a later page may pick its ids first (service/web/pages.py)."""
    last = model.id.desc() if descending else model.id
    return statement.order_by(*columns, last).execution_options(**{UNIQUE_ORDER: model})


def unique_order_of(statement):
    """The model whose id ends the order of `statement` (`ordered_by_id`), else None."""
    return statement.get_execution_options().get(UNIQUE_ORDER)


def read_in_order(statement, model, index: str):
    """`statement` read through `index` of `model` on MySQL, in the index's order until the
    page is full: a FORCE INDEX that a count and a fetch by id drop (`without_hints`).
    SQLite (development) has no such hint: its own plan stands."""
    text = f"FORCE INDEX ({index})"
    hints = statement.get_execution_options().get(ORDER_HINTS, frozenset())
    return (statement.with_hint(model, text, "mysql")
            .execution_options(**{ORDER_HINTS: hints | {text}}))


def newest_first(statement, model, *, by_primary_key: bool):
    """`statement` ordered by `model.id`, newest first; `by_primary_key` also pins MySQL's
    plan to reading the primary key backwards until the page is full.

    For a list whose filters most rows pass (the city's or a district's members, with no
    search), that reads a page's rows and stops. Left to itself, MariaDB reads the scope's
    orgs first and sorts every row they hold (1.72 million members, for the city) to return
    20: its costs do not weigh the LIMIT across the semi-join of the org subtree. A narrow
    scope or a selective filter is left to the optimizer (an org's index, then a sort of
    few rows), since reading the primary key would pass over most of the table.
    """
    statement = ordered_by_id(statement, model, descending=True)
    return read_in_order(statement, model, "PRIMARY") if by_primary_key else statement


def without_hints(statement, *, keep_lookups: bool = False):
    """`statement` less its plan hints: a count does not read in any order, and rows
    fetched by id want the primary key. `keep_lookups` keeps the hints of how the rows are
    found (a USE INDEX: a count wants it too) and drops only those `read_in_order` added.

    SQLAlchemy has no public way to take a hint back: the copy's hint table is rewritten."""
    order_hints = statement.get_execution_options().get(ORDER_HINTS, frozenset())
    statement = statement._generate()
    kept = {key: hint for key, hint in statement._hints.items()
            if keep_lookups and hint not in order_hints}
    statement._hints = type(statement._hints)(kept)
    return statement


def one_of(column: str, values) -> str:
    """The SQL of a check that `column` holds one of `values`, in their order: the same text
    the migrations were made with (tests/test_migrations.py compares them)."""
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite and MySQL keep no offset); returns aware UTC."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        # MySQL's DATETIME drops fractions of a second unless asked to keep them.
        if dialect.name == "mysql":
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    # One registry: Flask-SQLAlchemy subclasses the base, so the map lives here.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def replica_session():
    """The session for reads that may lag a second (station search, public station pages,
    staff lists): on `DATABASE_REPLICA_URL` when set, one per app context; else the
    primary's `db.session`. Never write through it, and never read through it what the
    caller has just written."""
    from flask import g
    from sqlalchemy.orm import Session

    from service.extensions import db

    engine = db.engines.get(REPLICA)
    if engine is None:
        return db.session
    if "replica_session" not in g:
        g.replica_session = Session(bind=engine)
    return g.replica_session


def close_replica_session(_exc=None) -> None:
    """End the app context's replica session (its snapshot with it)."""
    from flask import g

    session = g.pop("replica_session", None)
    if session is not None:
        session.close()
