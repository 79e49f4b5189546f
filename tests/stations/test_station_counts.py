"""The 工作台's station block reads counts kept per org subtree, kind, status and timetable:
right after a create, an edit, a close and an import, before the worker folds and after,
and again after `flask stats rebuild`; each equal to counting the stations themselves."""

import re

from sqlalchemy import delete, func, select

from service.domain.hours import is_open
from service.domain.stations import STATION_KINDS
from service.extensions import db
from service.models.orgs import Org
from service.models.station_counts import StationCount, StationCountChange
from service.models.stations import Station
from service.notifications.delivery import run_worker
from service.stations import counts
from tests.console.helpers import sign_in, text
from tests.stations.helpers import shanghai
from tests.stations.test_import import GOOD, csv_bytes, upload

URL = "/api/v1/admin/stations"
WEEKDAYS = {"weekly": {"mon": [["08:00", "18:00"]], "sun": []}}
NEW = {"kind": "love_station", "name": "花园路环卫驿站", "address": "郑州市金水区花园路88号",
       "lat": 34.7869, "lng": 113.6705, "hours": WEEKDAYS}
MONDAY_MORNING = shanghai(2026, 11, 30, 10)
TITLE = re.compile(r"<title>(\S+) (总数|当前开放)：(\d+)</title>")


def shown(client, username: str) -> dict:
    """{kind label: (total, open now)} as the 工作台 draws them for `username`."""
    sign_in(client, username)
    page = text(client.get("/console/"))
    assert "驿站与母婴室</h2>" in page
    found: dict = {}
    for label, series, value in TITLE.findall(page):
        found.setdefault(label, [0, 0])[series == "当前开放"] = int(value)
    return {label: tuple(values) for label, values in found.items()}


def counted(app, org_code: str) -> dict:
    """The same figures, counted station by station over the org's subtree."""
    with app.app_context():
        root = db.session.scalar(select(Org).where(Org.code == org_code))
        found = {label: [0, 0] for label in STATION_KINDS.values()}
        for station in db.session.scalars(select(Station).join(Org).where(
                Org.path.startswith(root.path))):
            row = found[STATION_KINDS[station.kind]]
            row[0] += 1
            row[1] += station.status == "open" and is_open(station.hours, MONDAY_MORNING)
        return {label: tuple(values) for label, values in found.items()}


def fold(app) -> None:
    with app.app_context():
        counts.fold_if_due(force=True)
        assert db.session.scalar(select(func.count()).select_from(StationCountChange)) == 0


def test_create_edit_close_show_at_once_and_after_the_fold(app, client, staff, clock):
    clock(MONDAY_MORNING)
    headers = staff("jinshui_stations")
    before = shown(client, "jinshui_stations")
    assert before == counted(app, "JS")
    ids = []
    for number, kind in enumerate(("love_station", "love_station", "rider_home"), start=1):
        response = client.post(URL, headers=headers,
                               json={**NEW, "kind": kind, "external_code": f"C-{number}"})
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    after = shown(client, "jinshui_stations")
    assert after["爱心驿站"] == (before["爱心驿站"][0] + 2, before["爱心驿站"][1] + 2)
    assert after["骑手之家"] == (before["骑手之家"][0] + 1, before["骑手之家"][1] + 1)
    # Shut on Sundays only by the hours: closed at 10:00 Monday now; a kind changed.
    sundays = {"weekly": {"sun": [["08:00", "18:00"]]}}
    assert client.patch(f"{URL}/{ids[0]}", headers=headers,
                        json={"hours": sundays}).status_code == 200
    assert client.patch(f"{URL}/{ids[1]}", headers=headers,
                        json={"kind": "driver_home"}).status_code == 200
    assert client.delete(f"{URL}/{ids[2]}", headers=headers).status_code == 204
    edited = shown(client, "jinshui_stations")
    assert edited["爱心驿站"] == (before["爱心驿站"][0] + 1, before["爱心驿站"][1])
    assert edited["司机之家"] == (before["司机之家"][0] + 1, before["司机之家"][1] + 1)
    assert edited["骑手之家"] == (before["骑手之家"][0] + 1, before["骑手之家"][1])  # closed
    assert edited == counted(app, "JS")
    fold(app)
    assert shown(client, "jinshui_stations") == edited
    assert shown(client, "city_admin") == counted(app, "ZZ")


def test_an_import_and_its_update_show_at_once(app, client, staff, clock):
    clock(MONDAY_MORNING)
    headers = staff("jinshui_stations")
    before = shown(client, "jinshui_stations")
    response = upload(client, headers, csv_bytes(GOOD))
    assert response.get_json()["created"] == 3
    after = shown(client, "jinshui_stations")
    assert after == counted(app, "JS") != before
    fold(app)
    suspended = [[*row[:11], "暂停"] for row in GOOD]
    assert upload(client, headers, csv_bytes(suspended)).get_json()["updated"] == 3
    again = shown(client, "jinshui_stations")
    assert again == counted(app, "JS")
    assert sum(total for total, _ in again.values()) == sum(total for total, _ in after.values())
    assert sum(now for _, now in again.values()) < sum(now for _, now in after.values())
    assert shown(client, "city_admin") == counted(app, "ZZ")


def test_the_rebuild_counts_again_what_went_around(app, client, runner, add_station, clock):
    clock(MONDAY_MORNING)
    for number in range(3):
        add_station(f"驿站{number}", hours=WEEKDAYS)
    add_station("母婴室", kind="mother_baby_room", org="ZZ")
    fold(app)
    expected = counted(app, "ZZ")
    with app.app_context():  # lost counts, as after a load that went around a session
        db.session.execute(delete(StationCount))
        db.session.commit()
    assert shown(client, "city_admin") != expected
    result = runner.invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "station count rows=" in result.output
    assert shown(client, "city_admin") == expected
    assert shown(client, "jinshui_stations") == counted(app, "JS")


def test_the_worker_folds_the_changes_in(app, client, add_station, clock):
    clock(MONDAY_MORNING)
    add_station("新驿站", hours=WEEKDAYS)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StationCountChange)) > 0
        run_worker(once=True)
        assert db.session.scalar(select(func.count()).select_from(StationCountChange)) == 0
        db.session.commit()
    assert shown(client, "jinshui_stations") == counted(app, "JS")
