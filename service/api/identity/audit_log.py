"""The audit log, scoped like everything else."""

from flask.views import MethodView

from service.api.common import envelope
from service.api.identity.schemas import AuditEntrySchema, AuditQuerySchema
from service.identity import audit
from service.identity.auth import admin_required, current_admin
from service.web.blueprint import Blueprint
from service.web.pages import paginate

blp = Blueprint("audit", __name__, description="审计日志")


@blp.route("")
class AuditLog(MethodView):
    @admin_required("org_admin")
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, envelope(AuditEntrySchema))
    def get(self, args):
        """查询所辖范围内的审计日志

        范围为调用者所辖的组织树，最新的在前。
        """
        return paginate(audit.entries_in_scope(current_admin(), args), args)
