"""Mini-program: claiming a credit code that another account registered."""

from flask.views import MethodView

from service.api.common import PageArgs, envelope
from service.api.refunds.claim_schemas import EnterpriseClaimInSchema, EnterpriseClaimSchema
from service.identity.auth import current_user, member_required
from service.refunds import claims
from service.web.blueprint import Blueprint
from service.web.limits import limit_submissions
from service.web.pages import paginate

blp = Blueprint("refund_claims", __name__, description="工会经费返还：企业认领")


@blp.route("/enterprise-claims")
class EnterpriseClaims(MethodView):
    @member_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, envelope(EnterpriseClaimSchema))
    def get(self, args):
        """我提交的企业认领

        最新的在前。
        """
        return paginate(claims.own_claims(current_user()), args)

    @limit_submissions
    @member_required
    @blp.arguments(EnterpriseClaimInSchema, location="multipart")
    @blp.response(201, EnterpriseClaimSchema)
    def post(self, data):
        """认领已被其他账号登记的企业

        凭营业执照认领其他账号已登记的统一社会信用代码。

        由企业所在区县的工作人员核验营业执照后，将企业转到调用者账号下，或驳回认领。
        """
        return claims.file_claim(current_user(), data["uscc"], data["file"], data.get("note"))
