"""Importing the station ledger staff keep in Excel, and its template."""

from urllib.parse import quote

from flask import Response, current_app
from flask.views import MethodView
from sqlalchemy.exc import IntegrityError

from service.api.stations.schemas import StationImportResultSchema, StationLedgerFileSchema
from service.core.spreadsheets import XLSX_MIME
from service.extensions import db
from service.identity import audit
from service.identity.auth import admin_required, current_admin
from service.stations.importer import MAX_ROWS, TooManyRows, import_ledger
from service.stations.ledger import LedgerFileError, read_rows
from service.stations.template import template_workbook
from service.web.blueprint import Blueprint, errors
from service.web.errors import abort

blp = Blueprint("station_import", __name__, description="站点台账导入")
DEFAULT_MAX_BYTES = 8 * 1024 * 1024


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


@blp.route("/import")
class StationImport(MethodView):
    @admin_required("station_manager")
    @blp.arguments(StationLedgerFileSchema, location="multipart")
    @blp.response(200, StationImportResultSchema)
    @errors(409, 413)
    def post(self, files):
        """Import an xlsx or csv ledger; bad rows are reported, good rows are saved.

        Rows are independent: a row with any problem changes nothing and is listed in
        `errors` (row number as in the sheet, header = 1; column name; message), the others
        are created or updated by 编号. Everything is committed at the end, together.
        """
        upload = files["file"]
        data = _read(upload)
        admin = current_admin()
        try:
            report = import_ledger(read_rows(data), admin)
        except LedgerFileError as exc:
            abort(exc.status, exc.code, exc.message, {"multipart": {"file": [exc.message]}})
        except TooManyRows:
            abort(413, "ledger_too_many_rows", f"一次最多导入{MAX_ROWS}行，请拆分文件后分批导入")
        except IntegrityError:
            abort(409, "ledger_conflict", "有其他人正在导入相同编号的站点，请稍后重试")
        if report.created + report.updated == 0 and not report.errors:
            abort(422, "ledger_empty", "文件中没有数据行", {"multipart": {"file": ["没有数据行"]}})
        audit.record("station.import", object_type="station_ledger", org_id=admin.org_id,
                     detail={"file": (upload.filename or "")[:100], "created": report.created,
                             "updated": report.updated, "error_rows": len(
                                 {error["row"] for error in report.errors})})
        db.session.commit()
        return report


@blp.route("/import-template")
class StationImportTemplate(MethodView):
    @admin_required("station_manager")
    @blp.response(200, content_type=XLSX_MIME)
    def get(self):
        """The xlsx template: the header row to fill under, how to fill it, an example."""
        response = Response(template_workbook(), mimetype=XLSX_MIME)
        response.headers["Content-Disposition"] = (
            "attachment; filename=\"station-template.xlsx\"; "
            f"filename*=UTF-8''{quote('站点台账导入模板.xlsx')}")
        return response
