"""The streaming xlsx writer: Excel-readable, typed cells, bytes out before the last row."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from service.core.spreadsheets import ROWS_PER_CHUNK, stream_xlsx


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
