"""Membership figures for the overview: by occupation group, by org, by month, by status."""

from datetime import datetime, timedelta

from sqlalchemy import case, func, select

from service.core import clock
from service.domain.enums import NEW_EMPLOYMENT_GROUPS
from service.extensions import db
from service.joining.membership import org_brief
from service.models.members import APPLICATION_STATUSES, JoinApplication, Member
from service.models.orgs import Org, subtree_ids

MONTHS = 12
TOP_ORGS = 20
OTHERS = ("others", "其他职工")


def membership_overview(root: Org) -> dict:
    """Members and applications of `root`'s subtree, ready for the overview charts."""
    scope = subtree_ids(root)
    members = Member.org_id.in_(scope)
    applications = JoinApplication.org_id.in_(scope)
    by_status = dict.fromkeys(APPLICATION_STATUSES, 0)
    by_status.update(_counts(JoinApplication.status, applications))
    return {
        "members": {
            "total": sum(_counts(Member.status, members).values()),
            "by_occupation_group": _groups(_counts(Member.occupation, members)),
            "by_org": _by_org(root, members),
            "by_month": _by_month(Member.joined_at, members),
        },
        "applications": {
            "total": sum(by_status.values()),
            "by_status": by_status,
            "by_occupation_group": _groups(_counts(JoinApplication.occupation, applications)),
            "by_month": _by_month(JoinApplication.created_at, applications),
        },
    }


def _counts(column, where) -> dict:
    query = select(column, func.count()).where(where).group_by(column)
    return dict(db.session.execute(query).all())


def _groups(by_occupation: dict[str, int]) -> list[dict]:
    """The four new-employment groups one by one, every other occupation as "others"."""
    rows = [{"group": code, "label": label, "count": by_occupation.get(code, 0)}
            for code, label in NEW_EMPLOYMENT_GROUPS.items()]
    others = sum(n for code, n in by_occupation.items() if code not in NEW_EMPLOYMENT_GROUPS)
    return [*rows, {"group": OTHERS[0], "label": OTHERS[1], "count": others}]


def _by_org(root: Org, members) -> list[dict]:
    """Members per direct sub-org of `root` with its whole subtree (and `root` itself)."""
    rows = db.session.execute(select(Org.path, func.count()).select_from(Member)
                              .join(Member.org).where(members).group_by(Org.path)).all()
    totals: dict[int, int] = {}
    for path, count in rows:
        below = path.removeprefix(root.path)
        key = int(below.split("/", 1)[0]) if below else root.id
        totals[key] = totals.get(key, 0) + count
    top = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:TOP_ORGS]
    orgs = {org.id: org for org in db.session.scalars(
        select(Org).where(Org.id.in_([org_id for org_id, _ in top])))}
    return [{"org": org_brief(orgs[org_id]), "count": count} for org_id, count in top]


def month_starts(now: datetime, count: int = MONTHS) -> list[datetime]:
    """The first moments of the last `count` months in Asia/Shanghai, oldest first."""
    local = now.astimezone(clock.SHANGHAI)
    year, month = local.year, local.month
    starts = []
    for _ in range(count):
        starts.append(datetime(year, month, 1, tzinfo=clock.SHANGHAI))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def _by_month(column, where) -> list[dict]:
    starts = month_starts(clock.now())
    # One query: each row falls in the latest month that began before it.
    bucket = case(*[(column >= start, index) for index, start in reversed(list(enumerate(starts)))],
                  else_=-1).label("bucket")
    counts = dict(db.session.execute(select(bucket, func.count())
                                     .where(where, column >= starts[0])
                                     .group_by(bucket)).all())
    return [{"month": f"{start:%Y-%m}", "count": counts.get(index, 0)}
            for index, start in enumerate(starts)]


WEEKS = 12


def week_starts(now: datetime, count: int = WEEKS) -> list[datetime]:
    """The Mondays 00:00 (Asia/Shanghai) that start the last `count` weeks, oldest first."""
    local = now.astimezone(clock.SHANGHAI)
    monday = datetime(local.year, local.month, local.day, tzinfo=clock.SHANGHAI) \
        - timedelta(days=local.weekday())
    return [monday - timedelta(weeks=count - 1 - i) for i in range(count)]


def weekly_joins(root: Org, weeks: int = WEEKS) -> dict:
    """New members of `root`'s subtree per week, by the four new-employment groups and the
    rest: {"weeks": ["11-02", ...], "groups": [{"group", "label", "counts": [...]}, ...]}."""
    starts = week_starts(clock.now(), weeks)
    bucket = case(*[(Member.joined_at >= start, index)
                    for index, start in reversed(list(enumerate(starts)))],
                  else_=-1).label("bucket")
    rows = db.session.execute(
        select(bucket, Member.occupation, func.count())
        .where(Member.org_id.in_(subtree_ids(root)), Member.joined_at >= starts[0])
        .group_by(bucket, Member.occupation)).all()
    codes = [*NEW_EMPLOYMENT_GROUPS, OTHERS[0]]
    counts = {code: [0] * weeks for code in codes}
    for index, occupation, count in rows:
        code = occupation if occupation in NEW_EMPLOYMENT_GROUPS else OTHERS[0]
        counts[code][index] += count
    labels = {**NEW_EMPLOYMENT_GROUPS, OTHERS[0]: OTHERS[1]}
    return {"weeks": [f"{start:%m-%d}" for start in starts],
            "groups": [{"group": code, "label": labels[code], "counts": counts[code]}
                       for code in codes]}


def by_child_org(root: Org) -> list[dict]:
    """Members and pending applications per direct child of `root` (each with its whole
    subtree; `root`'s own rows under `root`), most members first."""
    children = list(db.session.scalars(select(Org).where(Org.parent_id == root.id)))
    orgs = {root.id: root, **{org.id: org for org in children}}

    def per_child(model, *where) -> dict[int, int]:
        totals: dict[int, int] = {}
        rows = db.session.execute(
            select(Org.path, func.count()).select_from(model).join(Org, Org.id == model.org_id)
            .where(model.org_id.in_(subtree_ids(root)), *where).group_by(Org.path)).all()
        for path, count in rows:
            below = path.removeprefix(root.path)
            key = int(below.split("/", 1)[0]) if below else root.id
            totals[key] = totals.get(key, 0) + count
        return totals

    members = per_child(Member)
    pending = per_child(JoinApplication, JoinApplication.status == "pending")
    rows = [{"org": org_brief(orgs[org_id]), "members": members.get(org_id, 0),
             "pending": pending.get(org_id, 0)}
            for org_id in orgs if org_id != root.id or members.get(root.id) or pending.get(root.id)]
    return sorted(rows, key=lambda row: (-row["members"], -row["pending"], row["org"]["id"]))
