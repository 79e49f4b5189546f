"""The streaming xlsx writer: Excel-readable, typed cells, bytes out before the last row."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from service.config import ConfigError, load_config
from service.core.spreadsheets import EXCEL_SHEET_ROWS, ROWS_PER_CHUNK, sheet_name, stream_xlsx


def test_workbook_reads_back_with_types_and_a_bold_footer():
    rows = [[1, "王小明 & <骑手>", Decimal("1234.56"), date(2024, 3, 15),
             datetime(2024, 3, 15, 2, 30, tzinfo=UTC), None, True]]
    data = b"".join(stream_xlsx("会员名册", ["编号", "姓名", "金额", "日期", "时间", "空", "是"],
                                rows, footer=lambda written: [["合计", f"{written}人"]]))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "会员名册"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["编号", "姓名", "金额", "日期", "时间", "空", "是"]
    assert values[1][:3] == [1, "王小明 & <骑手>", 1234.56]
    assert values[1][3] == datetime(2024, 3, 15)
    assert values[1][4] == datetime(2024, 3, 15, 10, 30), "business time in Asia/Shanghai"
    assert values[1][5:] == [None, True]
    assert values[2][:2] == ["合计", "1人"] and sheet["A3"].font.b and sheet["A1"].font.b
    assert not sheet["A2"].font.b


def test_bytes_flow_before_the_rows_run_out():
    consumed = []

    def rows():
        for n in range(ROWS_PER_CHUNK * 3):
            consumed.append(n)
            yield [n, f"第{n}行"]

    stream = stream_xlsx("s", ["n", "text"], rows())
    first = next(stream)
    assert first.startswith(b"PK") and len(consumed) < ROWS_PER_CHUNK * 3
    rest = b"".join(stream)
    sheet = load_workbook(io.BytesIO(first + rest), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == ROWS_PER_CHUNK * 3 + 1


def test_the_footer_is_given_how_many_rows_were_written():
    def read(rows):
        data = b"".join(stream_xlsx("s", ["n"], rows, footer=lambda written: [[written]]))
        return [row[0].value for row in load_workbook(io.BytesIO(data)).active.iter_rows()]

    assert read(iter([])) == ["n", 0]
    assert read([n] for n in range(ROWS_PER_CHUNK + 1))[-1] == ROWS_PER_CHUNK + 1


def sheets_of(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def test_rows_past_a_sheet_go_on_in_the_next_one_under_its_own_header():
    data = b"".join(stream_xlsx("会员名册", ["n", "text"], ([n, f"第{n}行"] for n in range(7)),
                                footer=lambda written: [["合计", f"{written}人"]],
                                sheet_rows=3))
    sheets = sheets_of(data)
    assert list(sheets) == ["会员名册", "会员名册 (2)", "会员名册 (3)"]
    assert all(rows[0] == ("n", "text") for rows in sheets.values())
    assert [len(rows) - 1 for rows in sheets.values()] == [3, 3, 2]
    body = [row for rows in sheets.values() for row in rows[1:]]
    assert body[:-1] == [(n, f"第{n}行") for n in range(7)]  # every row once, in order
    assert body[-1] == ("合计", "7人")
    bold = load_workbook(io.BytesIO(data))["会员名册 (3)"]
    assert bold["A1"].font.b and not bold["A2"].font.b and bold["A3"].font.b


def test_a_footer_that_finds_the_last_sheet_full_opens_one_more():
    data = b"".join(stream_xlsx("s", ["n"], ([n] for n in range(6)),
                                footer=lambda written: [[written]], sheet_rows=3))
    assert sheets_of(data) == {"s": [("n",), (0,), (1,), (2,)],
                               "s (2)": [("n",), (3,), (4,), (5,)], "s (3)": [("n",), (6,)]}
    exact = b"".join(stream_xlsx("s", ["n"], ([n] for n in range(6)), sheet_rows=3))
    assert list(sheets_of(exact)) == ["s", "s (2)"]  # no empty sheet without a footer
    empty = b"".join(stream_xlsx("s", ["n"], iter([]), sheet_rows=3))
    assert sheets_of(empty) == {"s": [("n",)]}


def test_many_sheets_still_stream():
    consumed = []

    def rows():
        for n in range(ROWS_PER_CHUNK * 3):
            consumed.append(n)
            yield [n]

    stream = stream_xlsx("s", ["n"], rows(), sheet_rows=ROWS_PER_CHUNK // 2)
    first = next(stream)
    assert first.startswith(b"PK") and len(consumed) <= ROWS_PER_CHUNK
    sheets = sheets_of(first + b"".join(stream))
    assert len(sheets) == 6 and sum(len(rows) - 1 for rows in sheets.values()) == len(consumed)


def test_a_long_title_keeps_its_sheet_numbers_within_excels_31_characters():
    assert sheet_name("名" * 40, 1) == "名" * 31
    assert sheet_name("名" * 40, 12) == "名" * 26 + " (12)"


@pytest.mark.parametrize("value", ["0", "-5", "1048576", "many"])
def test_the_sheet_size_setting_is_checked(value):
    with pytest.raises(ConfigError, match="XLSX_SHEET_ROWS"):
        load_config({"SERVICE_ENV": "testing"}, environ={"XLSX_SHEET_ROWS": value})


def test_the_sheet_size_defaults_to_excels_limit():
    assert load_config({"SERVICE_ENV": "testing"}, environ={})["XLSX_SHEET_ROWS"] == 1_048_575
    assert EXCEL_SHEET_ROWS + 1 == 2 ** 20  # the header makes Excel's 1,048,576 rows
