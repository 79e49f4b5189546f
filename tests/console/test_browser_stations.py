"""A station manager imports the ledger in a real browser, fixes the bad row in the form,
and the mini-program's nearby search finds the station."""

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models.stations import Station
from tests.console.helpers import signed_in_browser
from tests.console.test_stations import ledger

pytestmark = pytest.mark.slow


def test_import_a_bad_row_then_fix_it_in_the_form(app, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger([
        ["JS-101", "农业路环卫驿站", "爱心驿站", "113.6600", "34.7800", "24小时"],
        ["JS-102", "花园路母婴室", "母婴室", "113.6705", "北纬34.78", "每天 09:00-21:00"]]))
    with signed_in_browser(app, "jinshui_stations") as (browser, origin):
        page = browser.page
        page.get_by_role("link", name="驿站与母婴室").click()
        page.wait_for_url(origin + "/console/stations")
        page.get_by_role("link", name="导入台账").click()
        page.get_by_label("台账文件（xlsx 或 csv）").set_input_files(str(path))
        page.get_by_role("button", name="导入").click()
        page.get_by_text("新建 1 个站点").wait_for()
        bad = page.locator("tr.import-error")
        assert bad.count() >= 1
        assert "第3行" in bad.first.inner_text() and "纬度" in bad.first.inner_text()
        browser.screenshot("console-stations-import")

        page.get_by_role("link", name="← 返回站点台账").click()
        page.get_by_role("link", name="新增站点").click()
        page.get_by_label("站点名称").fill("花园路母婴室")
        page.get_by_label("类型").select_option("mother_baby_room")
        page.get_by_label("编号").fill("JS-102")
        page.get_by_label("纬度（GCJ-02）").fill("34.7869")
        page.get_by_label("经度（GCJ-02）").fill("113.6705")
        page.get_by_label("周一").fill("9点-21点")  # a typo first: named, and the input kept
        page.get_by_role("button", name="保存").click()
        assert "时间“9点”无效" in page.get_by_role("alert").inner_text()
        assert page.get_by_label("周一").input_value() == "9点-21点"
        assert page.get_by_label("站点名称").input_value() == "花园路母婴室"
        for day in ("周一", "周二", "周三", "周四", "周五", "周六", "周日"):
            page.get_by_label(day).fill("09:00-21:00")
        page.get_by_label("周五").fill("09:00-21:00, 22:00-02:00")
        page.get_by_label("哺乳座位数").fill("2")
        page.get_by_label("冰箱或冰柜").check()
        browser.screenshot("console-station-form")
        page.get_by_role("button", name="保存").click()
        page.get_by_text("已新增站点").wait_for()

        page.get_by_role("link", name="驿站与母婴室").click()
        page.locator("svg.station-map circle").first.wait_for()
        assert page.locator("svg.station-map circle").count() == 2
        browser.screenshot("console-stations")
        page.get_by_role("link", name="站点反馈").click()
        page.get_by_role("heading", name="站点反馈").wait_for()
        browser.screenshot("console-station-feedback")

        assert browser.foreign_requests() == []
        # The one refused form answers 422, which Chromium notes; nothing else.
        assert browser.console_errors == [
            "Failed to load resource: the server responded with a status of 422 "
            "(UNPROCESSABLE ENTITY)"]

    with app.app_context():
        room = db.session.scalar(select(Station).where(Station.external_code == "JS-102"))
        assert room.hours["weekly"]["fri"] == [["09:00", "21:00"], ["22:00", "02:00"]]
        assert room.facilities["nursing_seats"] == 2 and room.facilities["fridge"] is True
    found = app.test_client().get("/api/v1/stations/nearby", query_string={
        "lat": 34.7869, "lng": 113.6705, "radius": 500}).get_json()
    assert room.id in [item["id"] for item in found["items"]]
