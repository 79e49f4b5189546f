"""Figures by new-employment group, district and month, and the join-code funnel.

The funnel counts, per join code and over a date range (Asia/Shanghai): scans of the code
(every `GET /join/scenes/{scene}`), sign-ins after a scan (accounts that signed in with the
code's `scene`, once per account, service/joining/codes.py), applications made through
the code, and those approved within the range.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from service.core import clock
from service.domain.enums import NEW_EMPLOYMENT_GROUPS
from service.extensions import db
from service.joining.figures import counts
from service.joining.membership import org_brief
from service.joining.stats import OTHERS
from service.models.figures import APPLICATION, MEMBER, month_period, month_starts
from service.models.join_codes import JoinCode, JoinCodeEvent
from service.models.members import JoinApplication
from service.models.orgs import Org, subtree_ids
from service.web.errors import abort

FUNNEL_DAYS = 30  # the range when none is given
MAX_RANGE_DAYS = 366
COUNTED_MEMBERS = ("active", "held")  # a withdrawn membership is no longer counted


def figures_by_group(root: Org) -> dict:
    """Members (active and held apart) and applications of `root`'s subtree by group, by the
    district of their org and by month (joined / applied) over the last 12 months, from the
    kept counts (service/joining/figures.py)."""
    months = [month_period(start) for start in month_starts(clock.now())]
    rows: dict[tuple, dict] = {}
    for subject in (MEMBER, APPLICATION):
        for (_, month, district, group, status), count in counts(
                root, subject, months).items():
            if subject == MEMBER and status not in COUNTED_MEMBERS:
                continue
            counted = rows.setdefault((district, months.index(month), group),
                                      {"active": 0, "held": 0, "applications": 0})
            counted[status if subject == MEMBER else "applications"] += count
    labels = {**NEW_EMPLOYMENT_GROUPS, OTHERS[0]: OTHERS[1]}
    items = [{"district_code": district or None, "month": months[bucket],
              "group": group, "label": labels[group], "members": counted["active"],
              "held_members": counted["held"], "applications": counted["applications"]}
             for (district, bucket, group), counted in sorted(rows.items())
             if any(counted.values())]
    return {"org": org_brief(root), "months": months, "items": items}


def date_range(since: date | None, until: date | None) -> tuple[date, date]:
    """The funnel's dates (inclusive, Asia/Shanghai); the last 30 days when not given."""
    until = until or clock.today_shanghai()
    since = since or until - timedelta(days=FUNNEL_DAYS - 1)
    if since > until:
        abort(422, "range_invalid", "开始日期不能晚于结束日期",
              {"query": {"since": ["晚于结束日期"]}})
    if (until - since).days >= MAX_RANGE_DAYS:
        abort(422, "range_too_long", f"统计区间最长 {MAX_RANGE_DAYS} 天，请缩短区间",
              {"query": {"since": ["区间过长"]}})
    return since, until


def join_code_funnel(root: Org, args: dict) -> dict:
    """Per join code of `root`'s subtree: scans, sign-ins after a scan, applications and
    approvals within the date range; one page of codes, newest first."""
    since, until = date_range(args.get("since"), args.get("until"))
    start = datetime.combine(since, time(), clock.SHANGHAI)
    end = datetime.combine(until + timedelta(days=1), time(), clock.SHANGHAI)
    codes_query = (select(JoinCode).where(JoinCode.org_id.in_(subtree_ids(root)))
                   .order_by(JoinCode.id.desc()))
    total = db.session.scalar(select(func.count()).select_from(codes_query.subquery()))
    page, size = args["page"], args["page_size"]
    codes = db.session.scalars(codes_query.limit(size).offset((page - 1) * size)).all()
    ids = [code.id for code in codes]
    counts = {code_id: dict.fromkeys(("scans", "logins_after_scan", "applications",
                                      "approvals"), 0) for code_id in ids}
    names = {"scan": "scans", "login": "logins_after_scan"}
    for code_id, kind, count in db.session.execute(
            select(JoinCodeEvent.join_code_id, JoinCodeEvent.kind, func.count())
            .where(JoinCodeEvent.join_code_id.in_(ids), JoinCodeEvent.at >= start,
                   JoinCodeEvent.at < end)
            .group_by(JoinCodeEvent.join_code_id, JoinCodeEvent.kind)):
        counts[code_id][names[kind]] = count
    for name, column, extra in (("applications", JoinApplication.created_at, ()),
                                ("approvals", JoinApplication.reviewed_at,
                                 (JoinApplication.status == "approved",))):
        for code_id, count in db.session.execute(
                select(JoinApplication.join_code_id, func.count())
                .where(JoinApplication.join_code_id.in_(ids), column >= start, column < end,
                       *extra).group_by(JoinApplication.join_code_id)):
            counts[code_id][name] = count
    items = [{"join_code": {"id": code.id, "label": code.label, "org_id": code.org_id},
              **counts[code.id]} for code in codes]
    return {"org": org_brief(root), "since": since, "until": until, "items": items,
            "total": total, "page": page, "page_size": size}
