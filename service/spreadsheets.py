"""Excel exports written row by row to a temporary file, then streamed to the client."""

import tempfile
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024


def xlsx_response(filename: str, title: str, header: list[str], rows: Iterable[list],
                  footer: Iterable[list] = ()) -> Response:
    """An xlsx download; `rows` may be a generator, memory stays flat at any size."""
    workbook = Workbook(write_only=True)  # rows go to a temporary file, not to memory
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    for row in footer:
        cells = [WriteOnlyCell(sheet, value=_cell(value)) for value in row]
        for cell in cells:
            cell.font = _bold()
        sheet.append(cells)
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    size = spool.tell()
    spool.seek(0)

    def stream():
        with spool:
            while chunk := spool.read(CHUNK):
                yield chunk

    response = Response(stream(), mimetype=XLSX_MIME)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}")
    return response


def _bold():
    from openpyxl.styles import Font

    return Font(bold=True)


def _cell(value):
    # Text that looks like a formula must stay text in Excel (CSV/formula injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and len(value) > 1:
        return "'" + value
    return value
