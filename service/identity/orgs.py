"""The org tree's rules: which kind sits under which, district codes, one federation each.

DOMAIN.md "The org tree". The API view, `flask org create` and the demo all create orgs
here, so no path can build a tree the refund routing would misread.
"""

import secrets

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from service.domain.errors import RuleViolation
from service.extensions import db
from service.identity.auth import scope_org_ids
from service.models.accounts import Admin
from service.models.orgs import Org
from service.web.errors import abort

ROOT_KIND = "city_federation"
DISTRICT_KIND = "district_federation"
# kind -> the kinds its parent may have (None: no parent, the root)
ALLOWED_PARENTS = {
    ROOT_KIND: {None},
    DISTRICT_KIND: {ROOT_KIND},
    "industry_union": {ROOT_KIND, DISTRICT_KIND},
    "new_employment_federation": {ROOT_KIND, DISTRICT_KIND},
    "grassroots": {DISTRICT_KIND, "industry_union", "new_employment_federation", "grassroots"},
    "holding_pool": {DISTRICT_KIND, "new_employment_federation"},
}
KIND_LABELS = {ROOT_KIND: "市总工会", DISTRICT_KIND: "区县总工会", "industry_union": "产业工会",
               "new_employment_federation": "新就业形态工会联合会", "grassroots": "基层工会",
               "holding_pool": "会籍保留池"}


def new_org_code(kind: str) -> str:
    """A short unique code such as 'G-7K2M9Q'."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    while True:
        code = kind[0].upper() + "-" + "".join(secrets.choice(alphabet) for _ in range(6))
        if db.session.scalar(select(Org.id).where(Org.code == code)) is None:
            return code


def district_inside(child: str | None, parent: str | None) -> bool:
    """Whether district code `child` lies inside `parent`: equal, or a district of its city."""
    if child is None or parent is None:
        return child == parent
    if child == parent:
        return True
    return parent.endswith("00") and child[:4] == parent[:4] and not child.endswith("00")


def check_placement(kind: str, parent: Org | None, district_code: str | None,
                    actor: Admin | None = None, org: Org | None = None) -> None:
    """Refuse an org of `kind` and district under `parent` that the tree rules forbid.

    `actor` is the staff account acting (None for the operator's CLI and the demo);
    `org` is the org itself when an existing one changes.
    """
    parent_kind = parent.kind if parent is not None else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        if parent is None:
            raise RuleViolation("org_parent_required", "请指定上级组织", "parent_id")
        raise RuleViolation("org_kind_not_allowed",
                            f"{KIND_LABELS[parent_kind]}下不能设立{KIND_LABELS[kind]}", "kind")
    if parent is None:
        if db.session.scalar(select(Org.id).where(Org.parent_id.is_(None), *_not(org))):
            abort(409, "org_root_exists", "市总工会已存在，只能有一个")
        return
    if district_code is None:
        raise RuleViolation("org_district_required", "请填写所属区县代码", "district_code")
    if not district_inside(district_code, parent.district_code):
        raise RuleViolation("org_district_outside_parent",
                            f"所属区县代码应在上级组织的区县（{parent.district_code}）范围内",
                            "district_code")
    if kind == DISTRICT_KIND:
        _check_district_federation(parent, district_code, actor, org)


def _not(org: Org | None) -> list:
    return [Org.id != org.id] if org is not None and org.id is not None else []


def _check_district_federation(root: Org, district_code: str, actor: Admin | None,
                               org: Org | None) -> None:
    if actor is not None and actor.org_id != root.id:
        abort(403, "org_district_needs_root", "区县总工会只能由市总工会的组织管理员设立")
    if district_code == root.district_code:
        raise RuleViolation("org_district_is_city",
                            "区县总工会的区县代码应为本市下属区县，不能与市的代码相同",
                            "district_code")
    taken = db.session.scalar(select(Org.id).where(
        Org.parent_id == root.id, Org.kind == DISTRICT_KIND, Org.district_code == district_code,
        *_not(org)))
    if taken is not None:
        abort(409, "org_district_taken", f"区县代码{district_code}已有区县总工会")


def orgs_in_scope(args: dict) -> Select:
    """The orgs of the caller's subtree in tree order, by kind, parent and a name part."""
    query = select(Org).where(Org.id.in_(scope_org_ids())).order_by(Org.path)
    if "kind" in args:
        query = query.where(Org.kind == args["kind"])
    if "parent_id" in args:
        query = query.where(Org.parent_id == args["parent_id"])
    if args.get("q"):
        query = query.where(Org.name.contains(args["q"], autoescape=True))
    return query


def create_org(data: dict, parent: Org | None, actor: Admin | None = None) -> Org:
    """Add an org under `parent` after the tree checks (flushes to get its id for the path)."""
    district = data.get("district_code") or (parent.district_code if parent else None)
    check_placement(data["kind"], parent, district, actor)
    code = data.get("code") or new_org_code(data["kind"])
    if db.session.scalar(select(Org.id).where(Org.code == code)) is not None:
        abort(409, "org_code_taken", f"组织代码{code}已被使用")
    org = Org(code=code, name=data["name"], kind=data["kind"], district_code=district,
              accepts_members=data.get("accepts_members", True),
              auto_approve=data.get("auto_approve", False),
              review_working_days=data.get("review_working_days", 15))
    db.session.add(org)
    db.session.flush()
    org.place_under(parent)
    return org


def update_org(org: Org, data: dict, actor: Admin | None = None) -> None:
    """Apply a change of name, district or joining settings, keeping the tree valid."""
    district = data.get("district_code", org.district_code)
    if "district_code" in data and district != org.district_code:
        check_placement(org.kind, org.parent, district, actor, org)
        outside = [child.code for child in db.session.scalars(
            select(Org).where(Org.parent_id == org.id))
            if not district_inside(child.district_code, district)]
        if outside:
            raise RuleViolation("org_district_excludes_children",
                                f"下级组织{'、'.join(outside[:5])}的区县不在新的区县代码范围内",
                                "district_code")
    for name, value in data.items():
        setattr(org, name, value)


def district_federation(district_code: str) -> Org | None:
    """The district federation that is the root's direct child for this district code."""
    root = aliased(Org)
    return db.session.scalar(
        select(Org).join(root, Org.parent_id == root.id)
        .where(root.parent_id.is_(None), Org.kind == DISTRICT_KIND,
               Org.district_code == district_code)
        .order_by(Org.id).limit(1))


HOLDING_KIND = "holding_pool"
NEW_EMPLOYMENT_KIND = "new_employment_federation"


def holding_pool(district_code: str | None) -> Org | None:
    """The holding pool (会籍保留池) of the district's new-employment federation, or the
    city's when the district has none: a `holding_pool` org under a federation of that
    kind, taking members."""
    federation = aliased(Org)

    def pool_of(code: str | None) -> Org | None:
        if code is None:
            return None
        return db.session.scalar(
            select(Org).join(federation, Org.parent_id == federation.id)
            .where(Org.kind == HOLDING_KIND, Org.accepts_members.is_(True),
                   federation.kind == NEW_EMPLOYMENT_KIND,
                   federation.district_code == code)
            .order_by(Org.id).limit(1))

    city = db.session.scalar(select(Org.district_code).where(Org.parent_id.is_(None)))
    return pool_of(district_code) or pool_of(city)
