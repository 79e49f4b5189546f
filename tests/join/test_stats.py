"""The overview: members and applications by occupation group, org and month, scoped."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from service.core import clock
from service.extensions import db
from service.joining.stats import month_starts
from service.models.members import Member
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, form

OVERVIEW = "/api/v1/admin/stats/overview"


def counts(rows: list[dict], key: str) -> dict:
    return {row[key]: row["count"] for row in rows}


def test_overview_groups_and_scope(app, client, member, staff):
    mt, elm, jsxw = (org_id(app, code) for code in ("ZZ-MT", "ZZ-ELM", "JS-XW"))
    applied(client, member("a"), form({"org_id": mt}, seq=1, occupation="food_delivery"))
    applied(client, member("b"), form({"org_id": mt}, seq=2, occupation="courier"))
    applied(client, member("c"), form({"org_id": mt}, seq=3, occupation="other_platform"))
    applied(client, member("d"), form({"org_id": elm}, seq=4, occupation="truck_driver"))
    applied(client, member("e"), form({"org_id": jsxw}, seq=5, occupation="other"))

    city = client.get(OVERVIEW, headers=staff("city_admin")).get_json()
    assert city["org"]["name"] == "郑州市总工会"
    members = city["members"]
    assert members["total"] == 3
    groups = counts(members["by_occupation_group"], "group")
    assert groups == {"truck_driver": 0, "ride_hailing_driver": 0, "courier": 1,
                      "food_delivery": 1, "others": 1}
    assert [row["label"] for row in members["by_occupation_group"]][-1] == "其他职工"
    by_org = {row["org"]["name"]: row["count"] for row in members["by_org"]}
    assert by_org == {"郑州市新业态工会联合会": 3}, "rolled up to the city's direct sub-orgs"
    assert members["by_month"][-1]["count"] == 3 and len(members["by_month"]) == 12
    apps = city["applications"]
    assert apps["total"] == 5
    assert apps["by_status"] == {"pending": 2, "approved": 3, "rejected": 0, "disputed": 0}
    assert counts(apps["by_occupation_group"], "group")["others"] == 2

    xyt = client.get(OVERVIEW, headers=staff("xyt_reviewer")).get_json()
    assert {row["org"]["name"]: row["count"] for row in xyt["members"]["by_org"]} == \
        {"美团外卖郑州骑手工会": 3}
    assert xyt["applications"]["by_status"]["pending"] == 1
    jinshui = client.get(OVERVIEW, headers=staff("jinshui_stations")).get_json()
    assert jinshui["members"]["total"] == 0 and jinshui["applications"]["total"] == 1
    narrowed = client.get(OVERVIEW, query_string={"org_id": elm},
                          headers=staff("city_admin")).get_json()
    assert narrowed["applications"]["total"] == 1
    assert_error(client.get(OVERVIEW, query_string={"org_id": mt},
                            headers=staff("jinshui_admin")), 404)


def test_months_follow_shanghai_time(app, client, member, staff):
    applied(client, member("a"), form({"org_id": org_id(app, "ZZ-MT")}))
    starts = month_starts(clock.now())
    # Just after midnight on the 1st in Shanghai is still the previous month in UTC.
    first_moment = starts[-1] + timedelta(minutes=5)
    with app.app_context():
        db.session.execute(sa.update(Member).values(joined_at=first_moment))
        db.session.commit()
    by_month = client.get(OVERVIEW, headers=staff("city_admin")).get_json()["members"]["by_month"]
    assert by_month[-1] == {"month": f"{first_moment.astimezone(clock.SHANGHAI):%Y-%m}", "count": 1}
    assert sum(row["count"] for row in by_month) == 1


def test_month_starts():
    starts = month_starts(datetime(2026, 1, 15, 3, tzinfo=clock.SHANGHAI))
    assert [f"{s:%Y-%m}" for s in starts][:2] == ["2025-02", "2025-03"]
    assert f"{starts[-1]:%Y-%m-%d %H:%M}" == "2026-01-01 00:00" and len(starts) == 12
