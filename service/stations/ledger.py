"""Reading a station ledger: xlsx or csv by content, Chinese header row, rows of cells."""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator

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


def read_rows(data: bytes) -> Iterator[tuple]:
    """Every row of the first sheet (xlsx) or of the file (csv), the header row first."""
    if data.startswith(XLSX_MAGIC):
        return _xlsx_rows(data)
    if data.startswith(OLE_MAGIC):
        raise LedgerFileError(415, "ledger_type_unsupported",
                              "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
    return _csv_rows(data)


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LedgerFileError(415, "ledger_type_unsupported",
                              "文件不是有效的 .xlsx 表格，请使用导入模板") from exc
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[tuple]:
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
    yield from (tuple(row) for row in csv.reader(io.StringIO(text, newline="")))
