"""Revision counters: a number bumped in the same transaction as every change to a set of
rows, so a process keeping a copy of those rows knows when its copy is out of date.

One row per set of rows (`STATIONS` for the public stations nearby search keeps in memory,
see service/stations/index.py). Its migration adds the rows at 0; a bump is one UPDATE,
so writers of the same set queue on that row for the moment of their commit, and a reader
of the counter sees, in one snapshot, exactly the changes counted so far.

A bump may also log the parts of the set it changed (`revision_parts`; for stations, the
map tiles), so a copy can drop just those. A revision that logged none, or whose log was
pruned (only the last KEEP revisions are kept), makes `changed_parts` answer None: the
copy must then be dropped whole.
"""

from collections.abc import Iterable

from sqlalchemy import BigInteger, String, delete, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import db

STATIONS = "stations"
KEEP = 10_000  # revisions whose parts stay logged


class Revision(db.Model):
    __tablename__ = "revisions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class RevisionPart(db.Model):
    """One part of a set of rows that one revision changed."""

    __tablename__ = "revision_parts"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    part: Mapped[int] = mapped_column(BigInteger, primary_key=True)


def bump(name: str, connection=None, parts: Iterable[int] | None = None) -> None:
    """Count one more change to `name`, in the current transaction, logging the `parts`
    it changed when the writer knows them."""
    connection = connection or db.session.connection()
    revisions = Revision.__table__
    connection.execute(update(revisions).where(revisions.c.name == name)
                       .values(value=revisions.c.value + 1))
    parts = set(parts or ())
    if not parts:
        return
    value = connection.execute(
        select(revisions.c.value).where(revisions.c.name == name)).scalar_one()
    log = RevisionPart.__table__
    connection.execute(insert(log), [{"name": name, "revision": value, "part": part}
                                     for part in sorted(parts)])
    connection.execute(delete(log).where(log.c.name == name, log.c.revision <= value - KEEP))


def current(name: str, session=None) -> int:
    """The counter as the current transaction (of `session`, db.session by default) sees it."""
    return (session or db.session).execute(
        select(Revision.__table__.c.value).where(Revision.__table__.c.name == name)).scalar_one()


def changed_parts(name: str, after: int, upto: int, session=None) -> set[int] | None:
    """The parts changed by the revisions after `after` up to `upto`, as the current
    transaction sees them; None when one of those revisions logged none."""
    rows = (session or db.session).execute(
        select(RevisionPart.revision, RevisionPart.part)
        .where(RevisionPart.name == name, RevisionPart.revision > after,
               RevisionPart.revision <= upto)).all()
    if len({revision for revision, _ in rows}) != upto - after:
        return None
    return {part for _, part in rows}
