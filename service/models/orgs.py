"""The union organisation tree, with a materialized path for subtree queries."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    event,
    func,
    select,
    true,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from service.core import clock
from service.core.database import one_of
from service.domain import enums
from service.extensions import db

ORG_KINDS = tuple(enums.ORG_KINDS)


class Org(db.Model):
    __tablename__ = "orgs"
    __table_args__ = (
        CheckConstraint(one_of("kind", ORG_KINDS), name="kind"),
    CheckConstraint("review_working_days BETWEEN 1 AND 60", name="review_working_days"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    # "/1/5/12/": ids from the root down; a subtree is a range of this indexed column.
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    district_code: Mapped[str | None] = mapped_column(String(6), index=True)
    accepts_members: Mapped[bool] = mapped_column(Boolean, default=True)
    auto_approve: Mapped[bool] = mapped_column(Boolean, default=False)
    # Working days within which an application, transfer or withdrawal is answered.
    review_working_days: Mapped[int] = mapped_column(Integer, default=15, server_default="15")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    parent: Mapped["Org | None"] = relationship(remote_side=[id])

    def place_under(self, parent: "Org | None") -> None:
        """Set parent and path; the id must already be assigned (flush first)."""
        self.parent = parent
        self.path = f"{parent.path if parent else '/'}{self.id}/"

    def contains(self, other: "Org") -> bool:
        """Whether `other` is this org or below it."""
        return other.path.startswith(self.path)


BROAD_SUBTREE_ORGS = 20  # a district, a street of unions, the city: not one union


MEMO = "org_tree_memo"


def _memo(name: str, root: Org, answer):
    """`answer()` once per transaction of the session for (`name`, `root`): a staff list
    asks of its scope several times while it is built. Forgotten at every flush, commit
    and rollback, so an org added or moved is seen at once."""
    memo = db.session.info.setdefault(MEMO, {})
    key = (name, root.id, root.path, root.parent_id)
    if key not in memo:
        memo[key] = answer()
    return memo[key]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session, *_args) -> None:
    session.info.pop(MEMO, None)


def is_broad(root: Org) -> bool:
    """Whether `root`'s subtree holds at least BROAD_SUBTREE_ORGS orgs (a range of the
    path index, counted up to that many): its lists read their rows newest first by
    primary key (core.database.newest_first)."""
    held = select(Org.id).where(Org.path >= root.path, Org.path < root.path[:-1] + "0")
    return _memo("broad", root, lambda: db.session.scalar(select(func.count()).select_from(
        held.limit(BROAD_SUBTREE_ORGS).subquery())) >= BROAD_SUBTREE_ORGS)


def subtree_ids(root: Org):
    """A SELECT of the ids of `root` and everything below it (an index range scan)."""
    # '/' sorts just before '0': every path starting with root.path lies in this range.
    upper = root.path[:-1] + "0"
    return select(Org.id).where(Org.path >= root.path, Org.path < upper)


def covers_every_org(root: Org) -> bool:
    """Whether `root` is the tree's one root, so that its subtree is every org (asked of
    the database once per transaction: a page asks it of each list and figure it shows)."""
    if root.parent_id is not None:
        return False
    roots = select(Org.id).where(Org.parent_id.is_(None)).limit(2).subquery()
    return _memo("every", root, lambda: db.session.scalar(
        select(func.count()).select_from(roots)) == 1)


def in_subtree(column, root: Org):
    """The condition that `column` (an org id) lies in `root`'s subtree.

    For the tree's root that is every row with an org, so there is no condition to check:
    the city's lists and totals read the table's own indexes instead of joining each of
    its 1.72 million rows to its org (an exact count then reads one narrow index).
    """
    if covers_every_org(root):
        return column.is_not(None) if column.expression.nullable else true()
    return column.in_(subtree_ids(root))
