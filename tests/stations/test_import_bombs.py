"""Hostile ledgers (issue 14 item 7): refused fast, whole, before the parser builds them."""

import io
import time
import zipfile

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from service.core.spreadsheet_guard import SheetLimits, SheetRefused, check_xlsx
from service.stations import ledger
from tests.helpers import assert_error
from tests.stations.test_import import GOOD, csv_bytes, stations_by_code, upload, xlsx_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>编号</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>站点名称</t></is></c></row>')


def rebuilt(parts: dict, base: bytes | None = None) -> bytes:
    """A real openpyxl workbook with some parts replaced or added."""
    base = base or xlsx_bytes([])
    source, out = zipfile.ZipFile(io.BytesIO(base)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename not in parts:
                archive.writestr(info.filename, source.read(info.filename))
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def sheet(rows_xml: str, dimension: str = "A1:B1") -> str:
    return (f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'
            f"{HEADER_ROW}{rows_xml}</sheetData></worksheet>")


@pytest.fixture
def parses(monkeypatch):
    """Every workbook openpyxl is asked to open during the test."""
    opened, load = [], openpyxl.load_workbook

    def recording(*args, **kwargs):
        opened.append(args)
        return load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", recording)
    return opened


def refused(client, staff, data: bytes, status: int, error: str, name="台账.xlsx") -> dict:
    started = time.monotonic()
    body = assert_error(upload(client, staff("jinshui_stations"), data, name), status, error)
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"took {elapsed:.1f} s"  # the issue asks for 2 s; loose for CI load
    assert stations_by_code(client.application) == {}
    assert body["errors"]["multipart"]["file"] == [body["message"]]
    return body


def test_a_million_blank_rows_is_refused_before_parsing(client, staff, parses):
    data = rebuilt({SHEET: sheet("".join(f'<row r="{r}"/>' for r in range(2, 1_000_001)))})
    assert len(data) < 3_000_000
    body = refused(client, staff, data, 413, "ledger_too_many_rows")
    assert "空行也计入" in body["message"]
    assert parses == []


def test_a_tightly_packed_million_blank_rows_is_refused_before_parsing(client, staff, parses):
    data = rebuilt({SHEET: sheet("<row/>" * 1_000_000)})
    assert len(data) < 100_000
    refused(client, staff, data, 422, "ledger_archive_suspicious")
    assert parses == []


def test_blank_rows_implied_by_a_sparse_sheet_count_toward_the_cap(client, staff):
    far = '<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>X-1</t></is></c></row>'
    data = rebuilt({SHEET: sheet(far, "A1:B1000000")})
    refused(client, staff, data, 413, "ledger_too_many_rows")


def test_two_million_shared_strings_are_refused_before_parsing(client, staff, parses):
    strings = (f'<sst xmlns="{MAIN}" count="2000000" uniqueCount="2000000">'
               + "<si><t>x</t></si>" * 2_000_000 + "</sst>")
    data = rebuilt({"xl/sharedStrings.xml": strings})
    assert len(data) < 200_000
    refused(client, staff, data, 422, "ledger_archive_suspicious")
    assert parses == []


def test_shared_strings_past_the_cap_are_counted_without_building_them():
    strings = (f'<sst xmlns="{MAIN}" count="1">'  # the count attribute lies
               + "".join(f"<x:si><x:t>{i}</x:t></x:si>" for i in range(3000)) + "</sst>")
    data = rebuilt({"xl/sharedStrings.xml": strings})
    limits = SheetLimits(rows=10, columns=20, cells=100, shared_strings=2999)
    with pytest.raises(SheetRefused) as refusal:
        check_xlsx(data, limits)
    assert (refusal.value.status, refusal.value.reason) == (413, "too_many_strings")
    check_xlsx(data, SheetLimits(rows=10, columns=20, cells=100, shared_strings=3000))


def test_a_zip_with_a_huge_ratio_is_refused(client, staff, parses):
    data = rebuilt({"xl/media/image1.png": b"\0" * (40 * 1024 * 1024)})
    assert len(data) < 100_000
    refused(client, staff, data, 422, "ledger_archive_suspicious")
    assert parses == []


def test_an_archive_that_unpacks_past_the_cap_is_413(client, staff, parses):
    noise = bytes(range(256)) * (3 * 1024 * 16)  # 12 MiB each, squeezes about 300 to 1
    parts = {f"xl/media/image{i}.bin": noise for i in range(6)}
    body = refused(client, staff, rebuilt(parts), 413, "ledger_archive_too_large")
    assert "64MB" in body["message"] and parses == []


def test_too_many_entries_is_refused(client, staff, parses):
    parts = {f"xl/media/image{i}.png": b"\x89PNG" for i in range(300)}
    refused(client, staff, rebuilt(parts), 422, "ledger_archive_suspicious")
    assert parses == []


def test_a_row_of_a_hundred_thousand_columns_is_refused_before_parsing(client, staff, parses):
    # Past Excel's XFD the cells carry no reference; readers count them in order.
    cells = "".join(f'<c r="{get_column_letter(i)}2"><v>{i}</v></c>' if i <= 16384 else
                    f"<c><v>{i}</v></c>" for i in range(1, 100_001))
    data = rebuilt({SHEET: sheet(f'<row r="2">{cells}</row>', "A1:XFD2")})
    body = refused(client, staff, data, 422, "ledger_too_many_columns")
    assert "100列" in body["message"] and parses == []


def test_cells_past_the_cap_are_refused(client, staff, parses, monkeypatch):
    monkeypatch.setattr(ledger, "LIMITS", SheetLimits(rows=5000, columns=100, cells=1000,
                                                      shared_strings=1000))
    monkeypatch.setattr(ledger.read_rows, "__defaults__", (ledger.LIMITS,))
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>'
                   for r in range(2, 1000))
    refused(client, staff, rebuilt({SHEET: sheet(rows)}), 413, "ledger_too_many_cells")
    assert parses == []


def test_a_good_xlsx_still_imports(client, staff, parses):
    response = upload(client, staff("jinshui_stations"), xlsx_bytes(GOOD), "台账.xlsx")
    assert response.get_json()["created"] == 3 and len(parses) == 1


def test_csv_with_a_huge_line_is_refused(client, staff):
    data = csv_bytes([["JS-1", "驿" * 3_000_000]], encoding="gb18030")
    refused(client, staff, data, 422, "ledger_line_too_long", "台账.csv")


def test_csv_with_too_many_columns_is_refused(client, staff):
    data = csv_bytes([GOOD[0] + ["x"] * 5000])
    body = refused(client, staff, data, 422, "ledger_too_many_columns", "台账.csv")
    assert "100列" in body["message"]


def test_csv_of_blank_lines_is_refused_fast(client, staff):
    data = csv_bytes(GOOD[:1]) + b"\r\n" * 4_000_000
    refused(client, staff, data, 413, "ledger_too_many_rows", "台账.csv")


def test_csv_blank_rows_count_toward_the_row_cap(client, staff, monkeypatch):
    from service.stations import importer

    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    data = csv_bytes([GOOD[0], [], [], GOOD[1]])
    refused(client, staff, data, 413, "ledger_too_many_rows", "台账.csv")


def test_an_import_past_its_time_budget_saves_nothing(app, client, staff):
    rows = [[f"JS-{i:04d}", *GOOD[0][1:]] for i in range(300)]
    app.config["STATION_IMPORT_BUDGET_SECONDS"] = 0.000001
    body = refused(client, staff, csv_bytes(rows), 413, "ledger_over_budget", "台账.csv")
    assert "未保存任何数据" in body["message"]
    app.config["STATION_IMPORT_BUDGET_SECONDS"] = 20
    assert upload(client, staff("jinshui_stations"), csv_bytes(rows)).get_json()["created"] == 300


def test_the_budget_setting_fails_closed():
    from service.config import ConfigError, load_config

    for value in ("abc", "0", "-5", "inf"):
        with pytest.raises(ConfigError, match="STATION_IMPORT_BUDGET_SECONDS"):
            load_config({"SERVICE_ENV": "testing"},
                        environ={"STATION_IMPORT_BUDGET_SECONDS": value})
    config = load_config({"SERVICE_ENV": "testing"}, environ={})
    assert config["STATION_IMPORT_BUDGET_SECONDS"] == 20


def test_a_large_honest_sheet_passes_the_checks_across_chunks():
    row = "".join(f'<c t="inlineStr"><is><t>值{c}</t></is></c>' for c in range(100))
    rows = "".join(f'<row r="{r}">{row}</row>' for r in range(2, 3002))
    data = rebuilt({SHEET: sheet(rows, "A1:CV3001")})
    check_xlsx(data, ledger.LIMITS)  # 100 columns, 3 MB unpacked: several chunks, no refusal
    with pytest.raises(SheetRefused) as refusal:
        check_xlsx(data, SheetLimits(rows=5000, columns=99, cells=10**6, shared_strings=10))
    assert refusal.value.reason == "too_many_columns"
