"""Importing the Excel ledger: per-row, per-field errors; good rows saved; upsert by 编号."""

import csv
import io
import time

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from service.domain.geo import haversine_m
from service.extensions import db
from service.models.audit import AuditEntry
from service.models.stations import Station
from service.stations import importer
from tests.helpers import assert_error

URL = "/api/v1/admin/stations/import"
HEADER = ["编号", "站点名称", "类型", "地址", "经度", "纬度", "坐标系", "服务项目", "开放时间",
          "联系电话", "对外开放", "状态"]
GOOD = [
    ["JS-001", "花园路环卫驿站", "爱心驿站", "花园路88号", "113.6705", "34.7869", "",
     "饮水、热饭、充电", "周一至周五 08:00-18:00；周六 09:00-12:00", "0371-65550001", "", ""],
    ["JS-002", "美团骑手之家", "骑手之家", "农业路1号", "113.6600", "34.7800", "GCJ-02",
     "换电,充电", "24小时", "", "", "开放"],
    ["JS-003", "正弘城母婴室", "母婴室", "花园路126号", "116.404", "39.915", "BD-09", "哺乳",
     "每天 10:00-22:00", "13812345678", "否", ""],
]


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, headers, data: bytes, name="台账.csv"):
    return client.post(URL, headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name)})


def stations_by_code(app) -> dict:
    with app.app_context():
        return {s.external_code: s for s in db.session.scalars(select(Station))}


def test_good_rows_are_created_with_converted_fields(app, client, staff):
    response = upload(client, staff("jinshui_stations"), csv_bytes(GOOD))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"created": 3, "updated": 0, "errors": []}
    saved = stations_by_code(app)
    first = saved["JS-001"]
    assert (first.kind, first.district_code, first.services) == (
        "love_station", "410105", ["water", "meal_heating", "charging"])
    assert first.hours["weekly"]["sat"] == [["09:00", "12:00"]] and first.status == "open"
    assert saved["JS-002"].services == ["charging", "battery_swap"]
    assert saved["JS-002"].always_open is True
    room = saved["JS-003"]
    assert (room.kind, room.is_public, room.searchable, room.phone) == (
        "mother_baby_room", False, False, "13812345678")
    assert haversine_m(room.lat, room.lng, 39.90865673957631, 116.39762729119315) < 1
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "station.import"))
        assert entry.detail == {"file": "台账.csv", "created": 3, "updated": 0, "error_rows": 0}


def test_bad_rows_are_reported_by_row_and_field_and_good_rows_are_saved(app, client, staff):
    rows = [
        GOOD[0],
        ["JS-010", "坏纬度", "爱心驿站", "", "113.66", "北纬34度", "", "", "24小时", "", "", ""],
        ["JS-011", "坏类型和时间", "加油站", "", "113.66", "34.78", "", "桑拿", "早八晚六", "12",
         "也许", "营业"],
        ["JS-012", "", "爱心驿站", "", "", "34.78", "", "", "", "", "", ""],
        ["JS-013", "巴黎驿站", "爱心驿站", "", "2.35", "48.85", "", "", "24小时", "", "", ""],
        ["JS-001", "重复编号", "爱心驿站", "", "113.66", "34.78", "", "", "24小时", "", "", ""],
        ["", "没有编号", "爱心驿站", "", "113.66", "34.78", "", "", "24小时", "", "", ""],
        [""] * 12,  # an empty row Excel kept: skipped, not reported
        GOOD[1],
    ]
    body = upload(client, staff("jinshui_stations"), csv_bytes(rows)).get_json()
    assert (body["created"], body["updated"]) == (2, 0)
    errors = {(e["row"], e["field"]) for e in body["errors"]}
    assert errors == {
        (3, "纬度"),
        (4, "类型"), (4, "服务项目"), (4, "开放时间"), (4, "联系电话"), (4, "对外开放"),
        (4, "状态"),
        (5, "站点名称"), (5, "经度"), (5, "开放时间"),
        (6, "经度"),
        (7, "编号"),
        (8, "编号"),
    }
    messages = {(e["row"], e["field"]): e["message"] for e in body["errors"]}
    assert messages[(7, "编号")] == "编号与第2行重复"
    assert "中国境内" in messages[(6, "经度")]
    assert "加油站" in messages[(4, "类型")] and "桑拿" in messages[(4, "服务项目")]
    assert messages[(5, "站点名称")] == "新建站点时为必填项"
    assert [e["row"] for e in body["errors"]] == sorted(e["row"] for e in body["errors"])
    assert set(stations_by_code(app)) == {"JS-001", "JS-002"}


def test_a_row_is_reported_with_all_its_problems_at_once_in_column_order(app, client, staff):
    headers = staff("jinshui_stations")
    upload(client, headers, csv_bytes(GOOD))
    rows = [
        # a bad cell, a missing required cell and a point outside China in one new row
        ["JS-020", "", "加油站", "", "200", "34.78", "", "", "", "", "", ""],
        # an existing code: nothing is required, but its bad cells are all reported
        ["JS-001", "", "", "", "2.35", "48.85", "", "", "", "12", "也许", ""],
        # an unknown org next to a bad cell
        ["JS-021", "驿站", "爱心驿站", "", "113.66", "34.78", "", "桑拿", "24小时", "", "", ""],
    ]
    header = [*HEADER, "所属组织代码"]
    rows[0].append("")
    rows[1].append("")
    rows[2].append("NO-SUCH-ORG")
    body = upload(client, headers, csv_bytes(rows, header)).get_json()
    assert (body["created"], body["updated"]) == (0, 0)
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (2, "站点名称"), (2, "类型"), (2, "经度"), (2, "开放时间"),
        (3, "经度"), (3, "联系电话"), (3, "对外开放"),
        (4, "服务项目"), (4, "所属组织代码"),
    ]
    messages = {(e["row"], e["field"]): e["message"] for e in body["errors"]}
    assert "-180 至 180" in messages[(2, "经度")]
    assert "中国境内" in messages[(3, "经度")]
    assert "NO-SUCH-ORG" in messages[(4, "所属组织代码")]
    assert stations_by_code(app)["JS-001"].phone == "0371-65550001"
    assert set(stations_by_code(app)) == {"JS-001", "JS-002", "JS-003"}


def test_existing_codes_are_updated_and_blank_cells_keep_values(app, client, staff):
    headers = staff("jinshui_stations")
    upload(client, headers, csv_bytes(GOOD))
    changes = [["JS-001", "", "", "", "", "", "", "", "", "", "", "暂停"],
               ["JS-002", "美团骑手之家（农业路）", "", "", "113.6610", "34.7810", "", "", "", "",
                "", ""]]
    body = upload(client, headers, csv_bytes(changes)).get_json()
    assert body == {"created": 0, "updated": 2, "errors": []}
    saved = stations_by_code(app)
    assert saved["JS-001"].status == "suspended" and saved["JS-001"].searchable is False
    assert saved["JS-001"].name == "花园路环卫驿站" and saved["JS-001"].phone == "0371-65550001"
    assert saved["JS-002"].name == "美团骑手之家（农业路）"
    assert (saved["JS-002"].lat, saved["JS-002"].lng) == (34.781, 113.661)
    assert saved["JS-002"].services == ["charging", "battery_swap"]


def test_a_failing_update_row_changes_nothing(app, client, staff):
    headers = staff("jinshui_stations")
    upload(client, headers, csv_bytes(GOOD))
    bad = [["JS-001", "新名字", "", "", "2.35", "48.85", "", "", "", "", "", ""]]
    body = upload(client, headers, csv_bytes(bad)).get_json()
    assert body["updated"] == 0 and [e["field"] for e in body["errors"]] == ["经度"]
    assert stations_by_code(app)["JS-001"].name == "花园路环卫驿站"


def test_codes_and_orgs_outside_the_callers_subtree_are_row_errors(app, client, staff):
    upload(client, staff("city_admin"), csv_bytes(
        [["EQ-001", "二七驿站", "爱心驿站", "", "113.64", "34.72", "", "", "24小时", "", "", ""]],
        header=HEADER))
    header = HEADER + ["所属组织代码"]
    rows = [["EQ-001", "改名", "", "", "", "", "", "", "", "", "", "", ""],
            ["JS-100", "新驿站", "爱心驿站", "", "113.66", "34.78", "", "", "24小时", "", "", "",
             "EQ"],
            ["JS-101", "新驿站", "爱心驿站", "", "113.66", "34.78", "", "", "24小时", "", "", "",
             "JS-XW"]]
    body = upload(client, staff("jinshui_stations"), csv_bytes(rows, header)).get_json()
    assert (body["created"], body["updated"]) == (1, 0)
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(2, "编号"), (3, "所属组织代码")]
    saved = stations_by_code(app)
    assert saved["EQ-001"].name == "二七驿站"
    with app.app_context():
        assert db.session.get(Station, saved["JS-101"].id).org.code == "JS-XW"


def test_xlsx_with_numeric_cells_and_gbk_csv(app, client, staff):
    headers = staff("jinshui_stations")
    rows = [[1001, "数字编号驿站", "爱心驿站", "路1号", 113.6705, 34.7869, None, "饮水", "24小时",
             13812345678, None, None]]
    body = upload(client, headers, xlsx_bytes(rows), "台账.xlsx").get_json()
    assert body == {"created": 1, "updated": 0, "errors": []}
    assert stations_by_code(app)["1001"].phone == "13812345678"
    body = upload(client, headers, csv_bytes(GOOD[:1], encoding="gb18030")).get_json()
    assert body == {"created": 1, "updated": 0, "errors": []}
    assert stations_by_code(app)["JS-001"].name == "花园路环卫驿站"


def test_header_with_spaces_and_extra_columns_is_accepted(app, client, staff):
    header = [" 编 号 ", "站点名称", "类型", "备注", "经度", "纬度", "开放时间"]
    rows = [["JS-1", "驿站", "爱心驿站", "随便写", "113.66", "34.78", "24小时"]]
    body = upload(client, staff("jinshui_stations"), csv_bytes(rows, header)).get_json()
    assert body == {"created": 1, "updated": 0, "errors": []}


def test_file_level_problems(app, client, staff):
    headers = staff("jinshui_stations")
    body = assert_error(upload(client, headers, csv_bytes(GOOD, header=["站点名称"] + HEADER[1:])),
                        422, "ledger_columns_missing")
    assert "编号" in body["message"]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    assert_error(upload(client, headers, png, "台账.csv"), 415, "ledger_type_unsupported")
    old_xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    body = assert_error(upload(client, headers, old_xls, "台账.xls"), 415)
    assert ".xlsx" in body["message"]
    assert_error(upload(client, headers, b"PK\x03\x04broken zip", "台账.xlsx"), 415)
    assert_error(upload(client, headers, csv_bytes([])), 422, "ledger_empty")
    body = assert_error(client.post(URL, headers=headers, data={}), 422)
    assert body["errors"]["multipart"] == {"file": ["为必填项"]}
    body = assert_error(client.post(URL, headers=headers, data={"file": "台账.csv"}), 422)
    assert body["errors"]["multipart"] == {"file": ["应为上传的文件"]}
    app.config["STATION_IMPORT_MAX_BYTES"] = 200
    assert_error(upload(client, headers, csv_bytes(GOOD)), 413, "payload_too_large")
    assert_error(upload(client, staff("jinshui_reviewer"), csv_bytes(GOOD)), 403)


def test_too_many_rows_is_413_and_saves_nothing(app, client, staff, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    headers = staff("jinshui_stations")
    assert upload(client, headers, csv_bytes(GOOD)).get_json()["created"] == 3
    rows = [[f"JS-9{i}", *GOOD[0][1:]] for i in range(4)]
    body = assert_error(upload(client, headers, csv_bytes(rows)), 413, "ledger_too_many_rows")
    assert "拆分" in body["message"]
    assert len(stations_by_code(app)) == 3


def test_template_downloads_with_drop_downs_and_its_example_imports_when_copied(app, client,
                                                                                staff):
    headers = staff("jinshui_stations")
    response = client.get("/api/v1/admin/stations/import-template", headers=headers)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["站点台账", "填写说明", "填写示例"]
    sheet = workbook["站点台账"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["编号", "站点名称", "类型", "所属区县"] and "开放时间" in header
    assert sheet.max_row == 1  # nothing under the header to delete before filling in
    letter = {name: sheet.cell(1, index).column_letter
              for index, name in enumerate(header, start=1)}
    choices = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    for name, values in (("类型", "爱心驿站,骑手之家,司机之家,爱心母婴室"),
                         ("状态", "开放,暂停,关闭"), ("空调", "是,否")):
        assert choices[f"{letter[name]}2:{letter[name]}20001"] == f'"{values}"'
    assert sheet.column_dimensions[letter["联系电话"]].number_format == "@"

    # Sent back untouched, the template has no rows; the example is never imported.
    assert_error(upload(client, headers, response.data, "模板.xlsx"), 422, "ledger_empty")
    example = [cell.value for cell in workbook["填写示例"][2]]
    sheet.append(example)
    filled = io.BytesIO()
    workbook.save(filled)
    body = upload(client, headers, filled.getvalue(), "台账.xlsx").get_json()
    assert body == {"created": 1, "updated": 0, "errors": []}
    station = stations_by_code(app)[example[0]]
    assert (station.kind, station.district_code) == ("love_station", "410105")
    assert station.hours["weekly"]["sat"] == [["09:00", "12:00"]]


def ledger_of(count: int) -> bytes:
    rows = [[f"BIG-{i:05d}", f"第{i}号驿站", "爱心驿站", f"测试路{i}号",
             f"{113.5 + (i % 100) * 0.003:.6f}", f"{34.7 + (i // 100) * 0.002:.6f}", "",
             "饮水、热饭", "周一至周五 08:00-18:00；周六 09:00-12:00", "0371-65550001", "", ""]
            for i in range(count)]
    return csv_bytes(rows)


def test_ten_thousand_rows_in_one_request(app, client, staff):
    headers = staff("jinshui_stations")
    data = ledger_of(10_000)
    started = time.monotonic()
    body = upload(client, headers, data).get_json()
    created_in = time.monotonic() - started
    assert (body["created"], body["updated"], body["errors"]) == (10_000, 0, [])
    started = time.monotonic()
    body = upload(client, headers, data).get_json()
    updated_in = time.monotonic() - started
    assert (body["created"], body["updated"], body["errors"]) == (0, 10_000, [])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Station)) == 10_000
    # far inside gunicorn's 120 s request timeout, even on a slow CI machine
    assert created_in < 60 and updated_in < 60, (created_in, updated_in)
