"""工作台: the figures of the signed-in account's subtree, as charts.

Each block is what the API would answer the same account (the same functions), shown only
to the roles the API opens it to.
"""

from flask import g, render_template

from service.api.refunds.ledger import STAFF_ROLES as REFUND_ROLES
from service.api.stations.admin_stations import ROLE as STATION_ROLE
from service.console.blueprint import bp
from service.console.charts import bar_chart, column_chart, legend
from service.core import clock
from service.identity.auth import admin_required, has_role
from service.joining.review import waiting_summary
from service.joining.stats import by_child_org, weekly_joins
from service.refunds.ledger import status_overview as refund_overview
from service.stations.records import stations_overview

# Who may see each block: the roles the API opens the same figures to.
QUEUE_ROLE = "member_reviewer"  # service/api/joining/join_review.py


def _yuan(fen: int) -> str:
    return f"¥{fen / 100:,.2f}"


@bp.route("/")
@admin_required()
def dashboard():
    """工作台首页"""
    admin = g.admin
    org = admin.org
    weekly = weekly_joins(org)
    groups = weekly["groups"]
    orgs = [row for row in by_child_org(org) if row["members"] or row["pending"]][:15]
    context = {
        "org": org,
        "weekly": weekly,
        "weekly_chart": column_chart(
            "近12周新入会会员数（按职业群体）", weekly["weeks"],
            [(group["label"], group["counts"]) for group in groups]),
        "weekly_legend": legend([group["label"] for group in groups]),
        "weekly_total": sum(sum(group["counts"]) for group in groups),
        "orgs": orgs,
        "orgs_chart": bar_chart(
            "各组织会员数与待审核申请数", [row["org"]["name"] for row in orgs],
            [("会员", [row["members"] for row in orgs]),
             ("待审核申请", [row["pending"] for row in orgs])]) if orgs else None,
        "orgs_legend": legend(["会员", "待审核申请"]),
    }
    if has_role(admin, QUEUE_ROLE):
        context["queue"] = waiting_summary(org)
    if has_role(admin, STATION_ROLE):
        stations = stations_overview(clock.now())
        context["stations"] = stations
        context["stations_chart"] = bar_chart(
            "驿站与母婴室（按类型）", [row["label"] for row in stations],
            [("总数", [row["total"] for row in stations]),
             ("当前开放", [row["open_now"] for row in stations])])
        context["stations_legend"] = legend(["总数", "当前开放"])
    if any(has_role(admin, role) for role in REFUND_ROLES):
        refunds = refund_overview()
        rows = refunds["by_status"]
        context["refunds"] = refunds
        context["refunds_chart"] = bar_chart(
            "经费返还申请（按状态）", [row["status_label"] for row in rows],
            [("应返还金额", [row["refundable_fen"] for row in rows])],
            value_labels=[[f"{row['count']}笔 {_yuan(row['refundable_fen'])}"
                           for row in rows]], width=640) if rows else None
    return render_template("console/dashboard.html", **context)
