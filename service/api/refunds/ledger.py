"""Admin console: the refund ledger as an xlsx download, and an overview of it."""

from flask.views import MethodView

from service.api.refunds.schemas import RefundLedgerQuerySchema, RefundOverviewSchema
from service.core.spreadsheets import XLSX_MIME
from service.extensions import db
from service.identity.auth import admin_required
from service.refunds.ledger import export_ledger, overview
from service.web.blueprint import Blueprint

blp = Blueprint("refund_ledger", __name__, description="工会经费返还：台账与统计")
STAFF_ROLES = ("refund_reviewer", "finance")


@blp.route("/export")
class LedgerExport(MethodView):
    @admin_required(*STAFF_ROLES)
    @blp.arguments(RefundLedgerQuerySchema, location="query")
    @blp.response(200, description="经费返还台账（xlsx，末行为合计）", content_type=XLSX_MIME)
    def get(self, args):
        """导出返还台账（xlsx）

        范围为调用者的管辖范围，附合计行；导出操作记入审计日志。
        """
        response = export_ledger(args)
        db.session.commit()
        return response


@blp.route("/overview")
class LedgerOverview(MethodView):
    @admin_required(*STAFF_ROLES)
    @blp.arguments(RefundLedgerQuerySchema, location="query")
    @blp.response(200, RefundOverviewSchema)
    def get(self, args):
        """返还统计概览

        在调用者管辖范围内，按状态和区县统计申请数与金额。
        """
        return overview(args)
