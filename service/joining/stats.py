"""Membership figures for the overview: by occupation group, by org, by month, by status.

Read from the kept counts of the scope (service/joining/figures.py), never by counting the
members themselves: the answers are the same, at a city's size too.
"""

from collections import Counter

from sqlalchemy import select

from service.core import clock
from service.domain.enums import NEW_EMPLOYMENT_GROUPS
from service.extensions import db
from service.joining.figures import counts
from service.joining.membership import org_brief
from service.models.figures import (
    ALL,
    APPLICATION,
    MEMBER,
    MONTHS,
    WEEKS,
    month_period,
    month_starts,
    week_period,
    week_starts,
)
from service.models.members import APPLICATION_STATUSES
from service.models.orgs import Org

__all__ = ["MONTHS", "OTHERS", "WEEKS", "by_child_org", "membership_overview", "month_starts",
           "week_starts", "weekly_joins"]

TOP_ORGS = 20
OTHERS = ("others", "其他职工")
_FIELDS = {"district": 2, "group": 3, "status": 4}


def total(figures: Counter, scope: int, period: str, **where) -> int:
    """The sum of `figures` (service.joining.figures.counts) for one scope and period."""
    return sum(by(figures, scope, period, None, **where).values())


def by(figures: Counter, scope: int, period: str, field: str | None, **where) -> Counter:
    """`figures` of one scope and period summed by `field` (district, group or status)."""
    sums: Counter = Counter()
    for key, count in figures.items():
        if key[0] == scope and key[1] == period and all(
                key[_FIELDS[name]] == value for name, value in where.items()):
            sums[key[_FIELDS[field]] if field else None] += count
    return sums


def _children(root: Org) -> dict[int, Org]:
    return {org.id: org for org in db.session.scalars(select(Org).where(Org.parent_id == root.id))}


def membership_overview(root: Org) -> dict:
    """Members and applications of `root`'s subtree, ready for the overview charts."""
    months = [month_period(start) for start in month_starts(clock.now())]
    children = _children(root)
    members = counts(root, MEMBER, [ALL, *months], children)
    applications = counts(root, APPLICATION, [ALL, *months])
    by_status = dict.fromkeys(APPLICATION_STATUSES, 0)
    by_status.update(by(applications, root.id, ALL, "status"))
    return {
        "members": {
            "total": total(members, root.id, ALL),
            "by_occupation_group": _groups(by(members, root.id, ALL, "group")),
            "by_org": _by_org(root, children, members),
            "by_month": [{"month": month, "count": total(members, root.id, month)}
                         for month in months],
        },
        "applications": {
            "total": sum(by_status.values()),
            "by_status": by_status,
            "by_occupation_group": _groups(by(applications, root.id, ALL, "group")),
            "by_month": [{"month": month, "count": total(applications, root.id, month)}
                         for month in months],
        },
    }


def _groups(by_group: Counter) -> list[dict]:
    """The four new-employment groups one by one, every other occupation as "others"."""
    return [{"group": code, "label": label, "count": by_group.get(code, 0)}
            for code, label in {**NEW_EMPLOYMENT_GROUPS, OTHERS[0]: OTHERS[1]}.items()]


def _per_child(root: Org, children: dict, figures: Counter, **where) -> dict[int, int]:
    """Per direct child of `root` its subtree's figure; `root`'s own rows under `root`."""
    totals = {org_id: total(figures, org_id, ALL, **where) for org_id in children}
    totals[root.id] = total(figures, root.id, ALL, **where) - sum(totals.values())
    return totals


def _by_org(root: Org, children: dict, members: Counter) -> list[dict]:
    """Members per direct sub-org of `root` with its whole subtree (and `root` itself)."""
    orgs = {root.id: root, **children}
    totals = [(org_id, count) for org_id, count in _per_child(root, children, members).items()
              if count]
    top = sorted(totals, key=lambda item: (-item[1], item[0]))[:TOP_ORGS]
    return [{"org": org_brief(orgs[org_id]), "count": count} for org_id, count in top]


def weekly_joins(root: Org, weeks: int = WEEKS) -> dict:
    """New members of `root`'s subtree per week, by the four new-employment groups and the
    rest: {"weeks": ["11-02", ...], "groups": [{"group", "label", "counts": [...]}, ...]}."""
    starts = week_starts(clock.now(), weeks)
    periods = [week_period(start) for start in starts]
    figures = counts(root, MEMBER, periods)
    labels = {**NEW_EMPLOYMENT_GROUPS, OTHERS[0]: OTHERS[1]}
    return {"weeks": [f"{start:%m-%d}" for start in starts],
            "groups": [{"group": code, "label": label,
                        "counts": [total(figures, root.id, period, group=code)
                                   for period in periods]}
                       for code, label in labels.items()]}


def by_child_org(root: Org) -> list[dict]:
    """Members and pending applications per direct child of `root` (each with its whole
    subtree; `root`'s own rows under `root`), most members first."""
    children = _children(root)
    orgs = {root.id: root, **children}
    members = _per_child(root, children, counts(root, MEMBER, [ALL], children))
    pending = _per_child(root, children, counts(root, APPLICATION, [ALL], children),
                         status="pending")
    rows = [{"org": org_brief(orgs[org_id]), "members": members.get(org_id, 0),
             "pending": pending.get(org_id, 0)}
            for org_id in orgs if org_id != root.id or members.get(root.id) or pending.get(root.id)]
    return sorted(rows, key=lambda row: (-row["members"], -row["pending"], row["org"]["id"]))
