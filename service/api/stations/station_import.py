"""Importing the station ledger staff keep in Excel, and its template."""

from urllib.parse import quote

from flask import Response
from flask.views import MethodView

from service.api.stations.schemas import StationImportResultSchema, StationLedgerFileSchema
from service.core.spreadsheets import XLSX_MIME
from service.extensions import db
from service.identity.auth import admin_required, current_admin
from service.stations.ledger_upload import import_upload
from service.stations.template import template_workbook
from service.web.blueprint import Blueprint, errors

blp = Blueprint("station_import", __name__, description="站点台账导入")


@blp.route("/import")
class StationImport(MethodView):
    @admin_required("station_manager")
    @blp.arguments(StationLedgerFileSchema, location="multipart")
    @blp.response(200, StationImportResultSchema)
    @errors(409, 413, 422)
    def post(self, files):
        """Import an xlsx or csv ledger; bad rows are reported, good rows are saved.

        A file past the caps (20,000 rows, blank ones included; 100 columns; its unpacked
        size and compression ratio) or the time budget is refused whole with 413/422, and
        nothing of it is saved.

        Rows are independent: a row with any problem changes nothing and is listed in
        `errors` (row number as in the sheet, header = 1; column name; message), the others
        are created or updated by 编号. Everything is committed at the end, together.
        """
        report = import_upload(files["file"], current_admin())
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
