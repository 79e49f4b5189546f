"""Staff filters shared by the application queue, the member roster and its export."""

import functools
import re

from sqlalchemy import Select, case, select
from sqlalchemy.orm import selectinload

from service.core import clock
from service.core.database import newest_first, ordered_by_id
from service.core.pii import blind_match
from service.domain.enums import NEW_EMPLOYMENT_GROUPS
from service.identity.auth import current_admin, get_scoped
from service.identity.lookups import exact_lookup, record_lookup
from service.joining.figures import subtree_total
from service.models.figures import MEMBER
from service.models.members import Member
from service.models.orgs import Org, in_subtree, is_broad
from service.web.pages import with_known_total

# A member number as cards show it (service/joining/membership.py), whole or its start.
MEMBER_NO = re.compile(r"\d{6}-\d{4}(-\d{1,8})?")
PHONE_TAIL = re.compile(r"\d{4}")
NAME_INDEX = "ix_members_name_org"
PAGING = ("page", "page_size")
FIGURE_FILTERS = {"org_id", "status", "occupation"}  # what the kept figures count by


def scope_root(org_id: int | None) -> Org:
    """The caller's org, or `org_id`'s when within the caller's scope (404 outside it)."""
    return current_admin().org if org_id is None else get_scoped(Org, org_id)


def in_org_filter(query: Select, model, org_id: int | None) -> Select:
    """Rows of the caller's subtree, or of the subtree of `org_id` (404 outside scope)."""
    return query.where(in_subtree(model.org_id, scope_root(org_id)))


def most_rows_pass(args: dict, *selective: str) -> bool:
    """Whether the list's filters let most rows of a broad scope through: no search, none
    of the `selective` filters, and a scope of many orgs (the page is read by primary key,
    see core.database.newest_first)."""
    if args.get("q") or any(name in args for name in selective):
        return False
    return is_broad(scope_root(args.get("org_id")))


def figure_total(args: dict, subject: str):
    """The list's total from the figures kept per org subtree (service/joining/figures.py)
    when it is filtered by nothing they do not count by (the org subtree, the status, an
    occupation of the new-employment groups): a function of the list's session, so no
    list counts the city's 1.72 million rows for a total; else None (the rows counted)."""
    given = {name for name, value in args.items()
             if name not in PAGING and value is not None and value != ""}
    occupation = args.get("occupation") or None
    if not given <= FIGURE_FILTERS or occupation not in (None, *NEW_EMPLOYMENT_GROUPS):
        return None
    root = scope_root(args.get("org_id"))  # its id and path now: a commit expires it
    return functools.partial(subtree_total, root_id=root.id, root_path=root.path,
                             subject=subject, status=args.get("status") or None,
                             group=occupation)


def search_filter(query: Select, model, person_column, q: str | None) -> Select:
    """`q` is an exact phone or ID number (matched by blind index, audited) or a name prefix.

    Call it last: the audit entry says whether the search as filtered found anyone.
    """
    if not q:
        return query
    exact = exact_lookup(q)
    if exact is None:
        return query.where(model.name.startswith(q.strip(), autoescape=True))
    field, number = exact
    column = model.phone_index if field == "phone" else person_column
    query = query.where(blind_match(column, field, number))
    # "member", "join_application": as the other audit entries name them.
    record_lookup(query, field, model.__tablename__.removesuffix("s"))
    return query


def common_filters(query: Select, model, person_column, time_column, args: dict) -> Select:
    """Scope and org subtree, occupation, a time range and the search box."""
    query = in_org_filter(query, model, args.get("org_id"))
    if "occupation" in args:
        query = query.where(model.occupation == args["occupation"])
    if "since" in args:
        query = query.where(time_column >= args["since"])
    if "until" in args:
        query = query.where(time_column < args["until"])
    return search_filter(query, model, person_column, args.get("q"))


def member_query(args: dict, query: Select | None = None) -> Select:
    """Members in scope filtered by `args`, newest first; `q` may also be a member number
    (whole, or its first part: district-year) or a phone's last four digits."""
    total = figure_total(args, MEMBER) if query is None else None
    if query is None:
        query = newest_first(select(Member).options(selectinload(Member.org)), Member,
                             by_primary_key=most_rows_pass(args, "since", "until", "status"))
    if args.get("status"):
        query = query.where(Member.status == args["status"])
    q = (args.get("q") or "").strip()
    if q and MEMBER_NO.fullmatch(q):
        args = {k: v for k, v in args.items() if k != "q"}
        query = query.where(Member.member_no.startswith(q, autoescape=True))
    elif PHONE_TAIL.fullmatch(q):
        # The four digits the masked phone shows: they narrow the list, reveal nothing more.
        args = {k: v for k, v in args.items() if k != "q"}
        query = query.where(Member.phone_tail == q)
    elif q and exact_lookup(q) is None and is_broad(scope_root(args.get("org_id"))):
        # A name in a broad scope (a district's thousand orgs): the name's range of the
        # (name, org) index, each entry's org checked in the index, finds the page and its
        # total; MariaDB would rather read every member of those orgs to look at the name.
        query = query.with_hint(Member, f"USE INDEX ({NAME_INDEX})", "mysql")
    query = common_filters(query, Member, Member.person_index, Member.joined_at, args)
    return with_known_total(query, total)


def deadline_order(query, model, open_statuses, overdue: bool | None = None):
    """Oldest due date first (items without one last), then by id; `overdue` narrows to
    the open items past their due date (True) or the others (False). A model with a
    `due_unset` column (1 without a due date) is ordered by it, so an index holds the order."""
    if overdue is not None:
        late = (model.status.in_(open_statuses) & (model.due_on < clock.today_shanghai()))
        query = query.where(late if overdue else ~late | model.due_on.is_(None))
    unset = getattr(model, "due_unset", None)
    if unset is None:
        unset = case((model.due_on.is_(None), 1), else_=0)
    return ordered_by_id(query, model, unset, model.due_on)
