"""Reading a station ledger: xlsx or csv by content, Chinese header row, rows of cells."""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator

from service.core.spreadsheet_guard import (
    SheetLimits,
    SheetRefused,
    check_csv,
    check_xlsx,
    too_many_columns,
)
from service.domain.stations import FACILITIES

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Header -> field, in template order. Facility columns follow FACILITIES' own labels.
COLUMNS = {
    "编号": "external_code",
    "站点名称": "name",
    "类型": "kind",
    "所属区县": "district_code",
    "地址": "address",
    "经度": "lng",
    "纬度": "lat",
    "坐标系": "coord",
    "服务项目": "services",
    "开放时间": "hours",
    "联系电话": "phone",
    "对外开放": "is_public",
    "状态": "status",
    "示范站点": "is_model",
    "所属组织代码": "org_code",
    **{label: key for key, label in FACILITIES.items()},
}
HEADER_ALIASES = {
    "站点编号": "编号", "台账编号": "编号", "名称": "站点名称", "站点类型": "类型",
    "区县": "所属区县", "区县代码": "所属区县", "详细地址": "地址", "服务": "服务项目",
    "开放时间段": "开放时间", "电话": "联系电话", "是否对外开放": "对外开放",
    "是否示范站点": "示范站点", "组织代码": "所属组织代码", "面积": "面积（平方米）",
    "冰箱": "冰箱或冰柜", "沙发": "沙发或座椅", "尿布台": "婴儿尿布台",
}
LABELS = {field: header for header, field in COLUMNS.items()}
REQUIRED_COLUMNS = ("编号",)
MAX_ROWS = 20_000  # data rows per file, blank rows included
# The template has about 25 columns; a ledger with its own notes beside them is fine.
LIMITS = SheetLimits(rows=MAX_ROWS + 1, columns=100, cells=(MAX_ROWS + 1) * 40,
                     shared_strings=(MAX_ROWS + 1) * 40)


class LedgerFileError(Exception):
    """The file as a whole cannot be read: an HTTP status, a code and a Chinese message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _header_key(value) -> str:
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    text = "".join(text.split()).rstrip("*")
    # NFKC turns the template's full-width brackets into ASCII ones; compare in one form.
    text = text.replace("(", "（").replace(")", "）")
    return HEADER_ALIASES.get(text, text)


def map_header(cells) -> list[str | None]:
    """The field of each header cell (None for columns we ignore); 422 when 编号 is missing."""
    headers = [_header_key(cell) for cell in cells]
    missing = [name for name in REQUIRED_COLUMNS if name not in headers]
    if missing:
        raise LedgerFileError(422, "ledger_columns_missing",
                              f"表头缺少必需的列：{'、'.join(missing)}（请使用导入模板）")
    fields, seen = [], set()
    for header in headers:
        field = COLUMNS.get(header)
        fields.append(field if field not in seen else None)  # a repeated column: first wins
        seen.add(field)
    return fields


def read_rows(data: bytes, limits: SheetLimits = LIMITS) -> Iterator[tuple]:
    """Every row of the first sheet (xlsx) or of the file (csv), the header row first.

    A file past `limits` (rows, columns, cells, unpacked size) is refused before it is
    parsed (LedgerFileError); rows past `limits.rows` are never read.
    """
    try:
        if data.startswith(XLSX_MAGIC):
            check_xlsx(data, limits)
            return _bounded(_xlsx_rows(data, limits), limits)
        if data.startswith(OLE_MAGIC):
            raise LedgerFileError(415, "ledger_type_unsupported",
                                  "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
        return _bounded(_csv_rows(data, limits), limits)
    except SheetRefused as exc:
        raise _refused(exc) from None


def _refused(exc: SheetRefused) -> LedgerFileError:
    return LedgerFileError(exc.status, f"ledger_{exc.reason}", exc.message)


def _bounded(rows: Iterator[tuple], limits: SheetLimits) -> Iterator[tuple]:
    for row in rows:
        if len(row) > limits.columns and any(cell not in (None, "") for cell in
                                             row[limits.columns:]):
            raise _refused(too_many_columns(limits))
        yield row


def _xlsx_rows(data: bytes, limits: SheetLimits) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LedgerFileError(415, "ledger_type_unsupported",
                              "文件不是有效的 .xlsx 表格，请使用导入模板") from exc
    try:
        # Bounded both ways: openpyxl pads sparse rows up to the sheet's stated size.
        yield from workbook.worksheets[0].iter_rows(
            max_row=limits.rows + 1, max_col=limits.columns + 1, values_only=True)
    finally:
        workbook.close()


def _csv_rows(data: bytes, limits: SheetLimits) -> Iterator[tuple]:
    text = None
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or _CONTROL.search(text):
        raise LedgerFileError(415, "ledger_type_unsupported",
                              "只能导入 .xlsx 或 CSV（UTF-8/GBK 编码）文件")
    check_csv(text, limits)
    return _csv_cells(text)


def _csv_cells(text: str) -> Iterator[tuple]:
    try:
        yield from (tuple(row) for row in csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:  # a cell past the csv module's own size limit
        raise LedgerFileError(422, "ledger_line_too_long", "文件中有单元格内容过长，请检查文件内容"
                              ) from exc
