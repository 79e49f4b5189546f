"""The union org tree, as staff see it: their own subtree only."""

from flask.views import MethodView

from service.api.common import envelope
from service.api.identity.schemas import OrgCreateSchema, OrgQuerySchema, OrgSchema, OrgUpdateSchema
from service.extensions import db
from service.identity import audit
from service.identity.auth import admin_required, current_admin, get_scoped
from service.identity.orgs import create_org, orgs_in_scope, update_org
from service.models.orgs import Org
from service.web.blueprint import Blueprint, errors
from service.web.pages import paginate

blp = Blueprint("orgs", __name__, description="工会组织")


@blp.route("")
class Orgs(MethodView):
    @admin_required()
    @blp.arguments(OrgQuerySchema, location="query")
    @blp.response(200, envelope(OrgSchema))
    def get(self, args):
        """列出所辖范围内的组织

        返回调用者所辖组织树内的组织。
        """
        return paginate(orgs_in_scope(args), args)

    @admin_required("org_admin")
    @blp.arguments(OrgCreateSchema)
    @blp.response(201, OrgSchema)
    @errors(404, 409, 422)
    def post(self, data):
        """创建下级组织

        新组织的上级须是调用者所辖范围内的组织。
        """
        parent = get_scoped(Org, data["parent_id"], write=True)
        org = create_org(data, parent, current_admin())
        audit.record("org.create", object_type="org", object_id=org.id, org_id=org.id)
        db.session.commit()
        return org


@blp.route("/<int:org_id>")
class OrgDetail(MethodView):
    @admin_required()
    @blp.response(200, OrgSchema)
    @errors(404)
    def get(self, org_id):
        """查看所辖范围内的一个组织"""
        return get_scoped(Org, org_id)

    @admin_required("org_admin")
    @blp.arguments(OrgUpdateSchema)
    @blp.response(200, OrgSchema)
    @errors(404)
    def patch(self, data, org_id):
        """修改组织的名称、所属区县或入会设置"""
        org = get_scoped(Org, org_id, write=True)
        update_org(org, data, current_admin())
        audit.record("org.update", object_type="org", object_id=org.id, org_id=org.id,
                     detail={"fields": sorted(data)})
        db.session.commit()
        return org
