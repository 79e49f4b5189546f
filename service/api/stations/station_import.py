"""Importing the station ledger staff keep in Excel, and its template."""

from flask.views import MethodView

from service.api.stations.schemas import StationImportResultSchema, StationLedgerFileSchema
from service.core.spreadsheets import XLSX_MIME
from service.extensions import db
from service.identity.auth import admin_required, current_admin
from service.stations.ledger_upload import import_upload
from service.stations.template import template_download
from service.web.blueprint import Blueprint, errors

blp = Blueprint("station_import", __name__, description="站点台账导入")


@blp.route("/import")
class StationImport(MethodView):
    @admin_required("station_manager")
    @blp.arguments(StationLedgerFileSchema, location="multipart")
    @blp.response(200, StationImportResultSchema)
    @errors(409, 413, 422)
    def post(self, files):
        """导入站点台账（xlsx 或 csv）

        有问题的行会列出，没有问题的行会保存。

        文件超出上限（20,000 行，含空行；100 列；解压后的大小和压缩比）或超出处理时限时，
        整个文件被拒绝，返回 413/422，其中任何内容都不保存。

        各行相互独立：有任何问题的行不做任何更改，并列入 `errors`（行号与表格一致，
        表头为第 1 行；列名；提示信息），其余行按 编号 新建或更新。全部处理完后统一提交。
        """
        report = import_upload(files["file"], current_admin())
        db.session.commit()
        return report


@blp.route("/import-template")
class StationImportTemplate(MethodView):
    @admin_required("station_manager")
    @blp.response(200, content_type=XLSX_MIME)
    def get(self):
        """下载 xlsx 导入模板

        包含待填写的表头行、填写说明和一个示例。
        """
        return template_download()
