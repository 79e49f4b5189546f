"""Refusing hostile spreadsheets before a parser spends minutes or gigabytes on them.

An xlsx is a zip of XML: a few hundred kilobytes can unpack to gigabytes (a zip bomb), to
a million blank rows, to a row of 100,000 cells, or to millions of shared strings that
openpyxl builds in memory when the workbook opens. `check_xlsx` reads the zip directory
and streams the sheet and shared-string parts once, counting their opening tags with regular
expressions (no XML tree, no cell objects), so a refusal costs well under a second.
`check_csv` does the same for text: line count and line length before the csv module runs.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

MIB = 1024 * 1024
# Opening tags, maybe with a namespace prefix (<x:c ...> from some writers).
_ROW = re.compile(rb"<(?:\w{1,20}:)?row[\s/>]")
_CELL = re.compile(rb"<(?:\w{1,20}:)?c[\s/>]")
_STRING = re.compile(rb"<(?:\w{1,20}:)?si[\s/>]")
_TAIL = 64  # longer than any of these tags' names, so a chunk never ends inside one
_CHUNK = MIB


@dataclass(frozen=True)
class SheetLimits:
    rows: int  # every row, the header and blank rows included
    columns: int
    cells: int
    shared_strings: int
    entries: int = 200
    unpacked_bytes: int = 64 * MIB
    part_bytes: int = 8 * MIB  # any XML part other than sheets and shared strings
    # unpacked / packed, for parts larger than ratio_floor: deflate tops out near 1030, a
    # bomb sits there; a sheet of identical rows reaches about 150.
    ratio: int = 200
    ratio_floor: int = MIB
    line_chars: int = 64 * 1024  # csv


class SheetRefused(Exception):
    """A file refused as a whole: HTTP status, a reason code and a Chinese message."""

    def __init__(self, status: int, reason: str, message: str):
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


def too_many_rows(limits: SheetLimits) -> SheetRefused:
    return SheetRefused(413, "too_many_rows",
                        f"一次最多导入{limits.rows - 1}行（空行也计入），请拆分文件后分批导入")


def too_many_columns(limits: SheetLimits) -> SheetRefused:
    return SheetRefused(422, "too_many_columns",
                        f"表格的列数超过{limits.columns}列，请使用导入模板")


def _suspicious() -> SheetRefused:
    return SheetRefused(422, "archive_suspicious",
                        "文件的压缩结构异常，不是正常的表格文件，"
                        "请在 Excel 中另存为 .xlsx 后再导入")


def check_xlsx(data: bytes, limits: SheetLimits) -> None:
    """Refuse the xlsx in `data` when it is, or unpacks to, more than `limits` allow."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip at all: the reader answers that it is not an xlsx
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.entries:
            raise _suspicious()
        if sum(entry.file_size for entry in entries) > limits.unpacked_bytes:
            raise SheetRefused(413, "archive_too_large",
                               f"表格解压后超过{limits.unpacked_bytes // MIB}MB，请拆分后分批导入")
        for entry in entries:
            if (entry.file_size > limits.ratio_floor
                    and entry.file_size > limits.ratio * max(entry.compress_size, 1)):
                raise _suspicious()
        _count_elements(archive, entries, limits)


def _count_elements(archive: zipfile.ZipFile, entries, limits: SheetLimits) -> None:
    cells = 0
    for entry in entries:
        name = entry.filename.lower()
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            cells += _count_sheet(archive, entry, limits, limits.cells - cells)
        elif name == "xl/sharedstrings.xml":
            strings = 0
            for region in _regions(archive, entry, limits):
                strings += len(_STRING.findall(region))
                if strings > limits.shared_strings:
                    raise SheetRefused(413, "too_many_strings",
                                       f"表格中的文字单元格超过{limits.shared_strings}个，"
                                       "请拆分后分批导入")
        elif entry.file_size > limits.part_bytes and name.endswith((".xml", ".rels")):
            raise _suspicious()


def _count_sheet(archive, entry, limits: SheetLimits, cells_left: int) -> int:
    rows = row_cells = cells = 0
    for region in _regions(archive, entry, limits):
        # The first piece continues the row the last region ended in; each other starts one.
        pieces = _ROW.split(region)
        counts = [len(_CELL.findall(piece)) for piece in pieces]
        row_cells += counts[0]
        widest = max([row_cells, *counts[1:]])
        rows += len(pieces) - 1
        cells += sum(counts)
        if len(pieces) > 1:
            row_cells = counts[-1]
        if rows > limits.rows:
            raise too_many_rows(limits)
        if widest > limits.columns:
            raise too_many_columns(limits)
        if cells > cells_left:
            raise SheetRefused(413, "too_many_cells",
                               f"表格的单元格超过{limits.cells}个，请拆分后分批导入")
    return cells


def _regions(archive: zipfile.ZipFile, entry, limits: SheetLimits) -> Iterator[bytes]:
    """One part's bytes in chunks that never cut an element's opening tag in two."""
    read, tail = 0, b""
    with archive.open(entry) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > limits.unpacked_bytes:
                raise _suspicious()  # more than the directory said
            buffer = tail + chunk
            cut = buffer.rfind(b"<")
            if cut < 0 or len(buffer) - cut > _TAIL:  # no tag can still be open
                cut = len(buffer)
            yield buffer[:cut]
            tail = buffer[cut:]
    yield tail


def check_csv(text: str, limits: SheetLimits) -> None:
    """Refuse csv text with more lines, or longer lines, than `limits` allow."""
    # Quoted cells may hold line breaks, so lines may outnumber rows: allow some slack.
    if text.count("\n") > 2 * limits.rows:
        raise too_many_rows(limits)
    for line in io.StringIO(text):
        if len(line) > limits.line_chars:
            raise SheetRefused(422, "line_too_long",
                               f"文件中有一行超过{limits.line_chars}个字符，请检查文件内容")
