"""A ledger file uploaded by staff: its size, its errors as answers, the audit entry."""

import time

from flask import current_app
from sqlalchemy.exc import IntegrityError

from service.identity import audit
from service.models.accounts import Admin
from service.stations.importer import (
    MAX_ROWS,
    ImportReport,
    OverBudget,
    TooManyRows,
    import_ledger,
)
from service.stations.ledger import LedgerFileError, read_rows
from service.web.errors import abort

DEFAULT_MAX_BYTES = 8 * 1024 * 1024


def import_upload(upload, admin: Admin) -> ImportReport:
    """Import an uploaded xlsx or csv ledger for `admin` (audited); bad rows are reported.

    A file past the caps (20,000 rows, blank ones included; 100 columns; its unpacked size
    and compression ratio) or the time budget (STATION_IMPORT_BUDGET_SECONDS) is refused
    whole with 413/422, and nothing of it is saved.
    """
    budget = current_app.config["STATION_IMPORT_BUDGET_SECONDS"]
    deadline = time.monotonic() + budget
    data = _read(upload)
    try:
        report = import_ledger(read_rows(data), admin, deadline)
    except LedgerFileError as exc:
        _refuse(exc.status, exc.code, exc.message)
    except TooManyRows:
        _refuse(413, "ledger_too_many_rows",
                f"一次最多导入{MAX_ROWS}行（空行也计入），请拆分文件后分批导入")
    except OverBudget:
        _refuse(413, "ledger_over_budget",
                f"文件处理超过{budget:g}秒仍未完成，未保存任何数据，请拆分文件后分批导入")
    except IntegrityError:
        abort(409, "ledger_conflict", "有其他人正在导入相同编号的站点，请稍后重试")
    if report.created + report.updated == 0 and not report.errors:
        abort(422, "ledger_empty", "文件中没有数据行", {"multipart": {"file": ["没有数据行"]}})
    audit.record("station.import", object_type="station_ledger", org_id=admin.org_id,
                 detail={"file": (upload.filename or "")[:100], "created": report.created,
                         "updated": report.updated,
                         "error_rows": len({error["row"] for error in report.errors})})
    return report


def _refuse(status: int, code: str, message: str):
    abort(status, code, message, {"multipart": {"file": [message]}})


def _read(upload) -> bytes:
    """The uploaded file's bytes, refused with 413 above STATION_IMPORT_MAX_BYTES."""
    limit = current_app.config.get("STATION_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        megabytes = limit // (1024 * 1024) or 1
        abort(413, "payload_too_large", f"文件过大，不能超过{megabytes}MB，请拆分后导入")
    if not data:
        abort(422, "ledger_empty", "文件是空的", {"multipart": {"file": ["文件是空的"]}})
    return data
