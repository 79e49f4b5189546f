"""Mini-program: the refund policies, for anyone to read."""

from flask.views import MethodView

from service.api.common import PageArgs, envelope
from service.api.refunds.schemas import RefundPolicySchema
from service.refunds.policies import policies_newest_first
from service.web.blueprint import Blueprint
from service.web.pages import paginate

blp = Blueprint("refund_policies_public", __name__, description="工会经费返还：政策")


@blp.route("/policies")
class Policies(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, envelope(RefundPolicySchema))
    def get(self, args):
        """返还政策列表

        按政策期间由新到旧排列。
        """
        return paginate(policies_newest_first(), args)
