"""DATABASE_REPLICA_URL: station search and public station pages read the replica (so a
lagging replica shows the older map), writes and a member's own records stay on the primary."""

import pytest

from service import create_app
from service.core.database import REPLICA
from service.extensions import db
from service.models.stations import Station
from tests.helpers import org_id
from tests.join.helpers import form
from tests.replicas import catch_up
from tests.stations.test_admin_stations import NEW, URL


def test_search_and_station_pages_read_the_replica(lagging, database_url, staff):
    app, replica = lagging
    client = app.test_client()
    created = client.post(URL, json=NEW, headers=staff("jinshui_stations"))
    assert created.status_code == 201, created.get_json()
    station = created.get_json()["id"]
    with app.app_context():  # the write went to the primary
        assert db.session.get(Station, station) is not None
        assert db.engines[REPLICA].url.database != db.engine.url.database
    where = {"lat": NEW["lat"], "lng": NEW["lng"]}
    assert client.get("/api/v1/stations/nearby", query_string=where).get_json()["items"] == []
    assert client.get(f"/api/v1/stations/{station}").status_code == 404

    catch_up(database_url, replica)
    found = client.get("/api/v1/stations/nearby", query_string=where).get_json()["items"]
    assert [item["id"] for item in found] == [station]
    assert client.get(f"/api/v1/stations/{station}").get_json()["name"] == NEW["name"]


def test_a_member_reads_what_they_just_submitted(lagging, member):
    app, _ = lagging
    client = app.test_client()
    headers = member("replica-rider")
    body = form({"org_id": org_id(app, "JS-XW")}, seq=61, name="赵六")
    assert client.post("/api/v1/join/applications", json=body, headers=headers).status_code == 201
    mine = client.get("/api/v1/join/applications", headers=headers).get_json()["items"]
    assert [item["name"] for item in mine] == ["赵六"]


def test_staff_lists_and_exports_read_the_replica(lagging, database_url, member, staff):
    app, replica = lagging
    client = app.test_client()
    body = form({"org_id": org_id(app, "JS-XW")}, seq=62, name="钱七")
    assert client.post("/api/v1/join/applications", json=body,
                       headers=member("replica-rider-2")).status_code == 201
    reviewer = staff("jinshui_reviewer")
    listed = client.get("/api/v1/admin/join/applications", headers=reviewer).get_json()
    assert listed["total"] == 0  # the replica has not caught up yet
    catch_up(database_url, replica)
    listed = client.get("/api/v1/admin/join/applications", headers=reviewer).get_json()
    assert [item["name"] for item in listed["items"]] == ["钱七"]
    export = client.get("/api/v1/admin/members/export", headers=reviewer)
    assert export.status_code == 200 and export.data[:2] == b"PK"


def test_a_replica_of_another_kind_of_database_is_refused(settings):
    from service.config import ConfigError

    primary = settings["SQLALCHEMY_DATABASE_URI"]
    other = "sqlite:///elsewhere.db" if primary.startswith("mysql") else \
        "mysql+pymysql://union:union@127.0.0.1:3306/union"
    with pytest.raises(ConfigError, match="DATABASE_REPLICA_URL"):
        create_app({**settings, "DATABASE_REPLICA_URL": other})
