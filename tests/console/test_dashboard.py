"""工作台: the account's own figures, drawn as SVG on the server, by role."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from service.core import clock
from service.extensions import db
from service.models.members import JoinApplication
from tests.console.helpers import add_applications, sign_in, text


def _approve_now(app, ids):
    from service.joining.applications import approve
    from service.models.accounts import Admin

    with app.app_context():
        admin = db.session.scalar(select(Admin).where(Admin.username == "jinshui_admin"))
        for application_id in ids:
            approve(db.session.get(JoinApplication, application_id), admin)
        db.session.commit()


def test_the_reviewer_sees_this_weeks_members_and_the_queue(client, app):
    _approve_now(app, add_applications(app, "JS-XW", 2, occupation="courier"))
    add_applications(app, "JS-XW", 1, first=10, days_ago=3)
    sign_in(client, "jinshui_reviewer")
    page = text(client.get("/console/"))
    assert '<svg class="chart"' in page
    assert "style=" not in page and "<script>" not in page
    assert re.search(r'<div class="value">2</div><div class="label">近12周新入会会员', page)
    assert re.search(r'<div class="value">1</div><div class="label">待审核入会申请', page)
    assert re.search(r'<div class="value">3天</div>', page)
    last_week = re.findall(r"<tr><th scope=\"row\">[^<]+</th>((?:<td>\d+</td>)+)</tr>", page)[-1]
    assert re.findall(r"\d+", last_week) == ["0", "0", "2", "0", "0"]  # 快递员: 2
    assert "金水区小微企业联合工会" in page
    assert "经费返还（按状态）" not in page and "驿站与母婴室</h2>" not in page


def test_an_empty_queue_has_no_waiting_day(client):
    sign_in(client, "jinshui_reviewer")
    page = text(client.get("/console/"))
    assert re.search(r'<div class="value">0</div><div class="label">待审核入会申请', page)
    assert re.search(r'<div class="value">—</div>', page)


def test_refund_staff_see_refunds_and_station_staff_see_stations(client):
    sign_in(client, "jinshui_refunds")
    page = text(client.get("/console/"))
    assert "经费返还（按状态）" in page and "待审核入会申请" not in page
    sign_in(client, "jinshui_stations")
    page = text(client.get("/console/"))
    assert "驿站与母婴室</h2>" in page and "爱心母婴室" in page


def test_weeks_start_on_monday_in_shanghai():
    from service.joining.stats import week_starts

    # 2026-11-29 16:30 UTC is Monday 2026-11-30 00:30 in Shanghai: a new week.
    starts = week_starts(datetime(2026, 11, 29, 16, 30, tzinfo=UTC))
    assert starts[-1] == datetime(2026, 11, 30, tzinfo=clock.SHANGHAI)
    assert starts[0] == starts[-1] - timedelta(weeks=11)
    assert len(starts) == 12


def _station(app, name: str, org: str, n: int, **fields) -> None:
    from service.models.orgs import Org
    from service.models.stations import Station
    from service.stations.values import apply_station

    with app.app_context():
        owner = db.session.scalar(select(Org).where(Org.code == org))
        data = {"kind": "love_station", "name": name, "lat": 34.7466, "lng": 113.6253,
                "hours": {"always_open": True}, "org_id": owner.id,
                "external_code": f"DASH-{n}", **fields}
        db.session.add(apply_station(Station(), data, creating=True))
        db.session.commit()


def test_the_stations_block_counts_those_open_now_by_their_hours(client, app):
    day = {"weekly": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}
    for n in range(3):
        _station(app, f"全天驿站{n}", "JS", n)
    for n in range(3, 5):
        _station(app, f"白天驿站{n}", "JS", n, hours=day)
    _station(app, "暂停驿站", "JS", 5, status="suspended")
    _station(app, "母婴室", "JS", 6, kind="mother_baby_room", hours=day)
    _station(app, "二七驿站", "EQ", 7)  # another district's
    rows = {}
    for moment, label in ((datetime(2026, 3, 4, 12, tzinfo=UTC), "night"),
                          (datetime(2026, 3, 4, 3, tzinfo=UTC), "day")):  # Wednesday 20:00, 11:00
        app.config["FIXED_NOW"] = moment
        sign_in(client, "jinshui_stations")
        page = text(client.get("/console/"))
        rows[label] = {(kind, what): int(n) for kind, what, n in re.findall(
            r"<title>(爱心驿站|爱心母婴室) (总数|当前开放)：(\d+)</title>", page)}
    assert rows["night"] == {("爱心驿站", "总数"): 6, ("爱心驿站", "当前开放"): 3,
                             ("爱心母婴室", "总数"): 1, ("爱心母婴室", "当前开放"): 0}
    assert rows["day"] == {("爱心驿站", "总数"): 6, ("爱心驿站", "当前开放"): 5,
                           ("爱心母婴室", "总数"): 1, ("爱心母婴室", "当前开放"): 1}
