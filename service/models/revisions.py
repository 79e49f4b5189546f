"""Revision counters: a number bumped in the same transaction as every change to a set of
rows, so a process keeping a copy of those rows knows when its copy is out of date.

One row per set of rows (`STATIONS` for the public stations nearby search keeps in memory,
see service/stations/index.py). Its migration adds the rows at 0; a bump is one UPDATE,
so writers of the same set queue on that row for the moment of their commit, and a reader
of the counter sees, in one snapshot, exactly the changes counted so far.
"""

from sqlalchemy import BigInteger, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import db

STATIONS = "stations"


class Revision(db.Model):
    __tablename__ = "revisions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


def bump(name: str, connection=None) -> None:
    """Count one more change to `name`, in the current transaction."""
    statement = (update(Revision.__table__).where(Revision.__table__.c.name == name)
                 .values(value=Revision.__table__.c.value + 1))
    (connection or db.session.connection()).execute(statement)


def current(name: str) -> int:
    """The counter as the current transaction sees it."""
    return db.session.execute(
        select(Revision.__table__.c.value).where(Revision.__table__.c.name == name)).scalar_one()
