"""The audit log, scoped like everything else."""

from flask.views import MethodView
from sqlalchemy import or_, select

from service.api.common import envelope
from service.api.identity.schemas import AuditEntrySchema, AuditQuerySchema
from service.identity.auth import admin_required, current_admin, scope_org_ids
from service.models.audit import AuditEntry
from service.web.blueprint import Blueprint
from service.web.pages import paginate

blp = Blueprint("audit", __name__, description="审计日志")


@blp.route("")
class AuditLog(MethodView):
    @admin_required("org_admin")
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, envelope(AuditEntrySchema))
    def get(self, args):
        """Audit entries of the caller's subtree, newest first."""
        admin = current_admin()
        visible = AuditEntry.org_id.in_(scope_org_ids(admin))
        if admin.org.parent_id is None:  # the root also sees entries tied to no org
            visible = or_(visible, AuditEntry.org_id.is_(None))
        query = select(AuditEntry).where(visible).order_by(AuditEntry.id.desc())
        for name in ("action", "object_type", "object_id"):
            if name in args:
                query = query.where(getattr(AuditEntry, name) == args[name])
        if "since" in args:
            query = query.where(AuditEntry.at >= args["since"])
        if "until" in args:
            query = query.where(AuditEntry.at < args["until"])
        return paginate(query, args)
