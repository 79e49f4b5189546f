"""Staff filters shared by the application queue, the member roster and its export."""

import re

from sqlalchemy import Select

from service.core.pii import blind_match
from service.domain.idcard import normalize_id_number
from service.identity.auth import get_scoped, scope_org_ids
from service.models.orgs import Org, subtree_ids

_MOBILE = re.compile(r"1[3-9]\d{9}")
_ID_NUMBER = re.compile(r"\d{17}[\dX]")


def in_org_filter(query: Select, model, org_id: int | None) -> Select:
    """Rows of the caller's subtree, or of the subtree of `org_id` (404 outside scope)."""
    if org_id is None:
        return query.where(model.org_id.in_(scope_org_ids()))
    return query.where(model.org_id.in_(subtree_ids(get_scoped(Org, org_id))))


def search_filter(query: Select, model, person_column, q: str | None) -> Select:
    """`q` is an exact phone or ID number (matched by blind index) or a name prefix."""
    if not q:
        return query
    text = q.strip()
    compact = "".join(text.split())
    if _MOBILE.fullmatch(compact):
        return query.where(blind_match(model.phone_index, "phone", compact))
    number = normalize_id_number(compact)
    if _ID_NUMBER.fullmatch(number):
        return query.where(blind_match(person_column, "id_number", number))
    return query.where(model.name.startswith(text, autoescape=True))


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
