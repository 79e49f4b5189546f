"""The national benchmark stations, at a small size: every province by its urban population,
clustered on its cities, and ledger files the import takes as they are."""

import io
import statistics

from sqlalchemy import func, select

from bench.national import (
    QUICK_TOTAL,
    TOTAL,
    city_of,
    city_plan,
    import_file,
    load_chunk,
    station_row,
)
from bench.national_cities import PROVINCES
from service.demo.stations import DEMO_COUNT
from service.domain.geo import haversine_m
from service.domain.hours import hours_text
from service.extensions import db
from service.models.stations import Station


def test_every_province_gets_its_share_by_urban_population():
    starts, cities = city_plan(TOTAL)
    assert sum(city[-1] for city in cities) == TOTAL - DEMO_COUNT
    assert starts == sorted(starts) and starts[0] == 0
    by_province = {}
    for province, *_, count in cities:
        by_province[province] = by_province.get(province, 0) + count
    assert set(by_province) == {province for province, _, _ in PROVINCES}
    population = {province: people for province, people, _ in PROVINCES}
    whole = sum(population.values())
    for province, count in by_province.items():
        assert abs(count - (TOTAL - DEMO_COUNT) * population[province] / whole) <= 1
    assert by_province["广东省"] > 60 * by_province["西藏自治区"]


def test_stations_cluster_on_their_cities_and_come_out_the_same_every_time():
    import random

    rows = [station_row(random.Random(5), n, city_of(TOTAL, n), 1) for n in range(0, 185_000,
                                                                                    500)]
    again = [station_row(random.Random(5), n, city_of(TOTAL, n), 1) for n in range(0, 185_000,
                                                                                     500)]
    assert rows == again
    distances = [haversine_m(row["lat_e6"] / 1e6, row["lng_e6"] / 1e6,
                             city_of(TOTAL, n)[3], city_of(TOTAL, n)[4])
                 for n, row in zip(range(0, 185_000, 500), rows, strict=True)]
    assert statistics.median(distances) < 15_000 and max(distances) < 120_000
    assert len({row["district_code"] for row in rows}) > 150  # all over the country


def test_a_ledger_file_changes_closes_and_adds_stations_through_the_import(
        app, client, staff):
    with app.app_context():
        assert load_chunk(QUICK_TOTAL, 0, 400) == 400
        db.session.commit()
    name, data, held = import_file(QUICK_TOTAL, 1, rows=200)
    assert (len(held["changed"]), len(held["closed"]), len(held["new"])) == (170, 10, 20)
    answer = client.post("/api/v1/admin/stations/import", headers=staff("city_admin"),
                         content_type="multipart/form-data",
                         data={"file": (io.BytesIO(data), name)})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"created": 20, "updated": 180, "errors": []}
    with app.app_context():
        stations = {station.external_code: station for station in db.session.scalars(
            select(Station).where(Station.external_code.in_(
                held["changed"] + held["closed"] + held["new"])))}
        assert all(stations[code].status == "closed" for code in held["closed"])
        assert all(stations[code].searchable for code in held["new"])
        sheet = _sheet(data)
        changed = [row for row in sheet if row["编号"] in held["changed"]]
        for row in changed:
            station = stations[row["编号"]]
            if row.get("开放时间"):
                assert hours_text(station.hours) == row["开放时间"]
            else:
                assert row["服务项目"] and len(station.services) == 4
        assert db.session.scalar(select(func.count(Station.id))) == 420


def _sheet(data: bytes) -> list[dict]:
    from openpyxl import load_workbook

    rows = load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(
        values_only=True)
    header = next(rows)
    return [dict(zip(header, row)) for row in rows]  # noqa: B905 (blank tails are left out)
