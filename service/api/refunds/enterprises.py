"""Mini-program: registering enterprises and their unions."""

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.api.common import PageArgs, envelope
from service.api.refunds.schemas import (
    RefundEnterpriseInSchema,
    RefundEnterpriseSchema,
    RefundEnterpriseUpdateSchema,
)
from service.extensions import db
from service.identity.auth import current_user, member_required
from service.models.refunds import Enterprise
from service.refunds import enterprises
from service.refunds.applications import own_enterprise
from service.web.blueprint import Blueprint, errors
from service.web.errors import abort
from service.web.limits import limit_registrations
from service.web.pages import paginate

blp = Blueprint("refund_enterprises", __name__, description="工会经费返还：企业登记")


def _commit_unique() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # the same code registered twice at once
        db.session.rollback()
        abort(409, "enterprise_exists", enterprises.EXISTS_MESSAGE)


@blp.route("/enterprises")
class Enterprises(MethodView):
    @member_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, envelope(RefundEnterpriseSchema))
    def get(self, args):
        """我登记的企业"""
        query = (select(Enterprise).where(Enterprise.user_id == current_user().id)
                 .order_by(Enterprise.id.desc()))
        return paginate(query, args)

    @limit_registrations
    @member_required
    @blp.arguments(RefundEnterpriseInSchema)
    @blp.response(201, RefundEnterpriseSchema)
    @errors(409, 429)
    def post(self, data):
        """登记企业及其基层工会

        企业规模类别由系统计算。

        每个账号最多登记 ENTERPRISES_PER_ACCOUNT（3）家，并受每账号 ENTERPRISE_RATE_LIMIT
        频率限制；统一社会信用代码已被其他账号占用时，可以发起认领（`/enterprise-claims`）。
        """
        enterprise = enterprises.register_enterprise(current_user(), data)
        _commit_unique()
        return enterprise


@blp.route("/enterprises/<int:enterprise_id>")
class EnterpriseDetail(MethodView):
    @member_required
    @blp.response(200, RefundEnterpriseSchema)
    @errors(404)
    def get(self, enterprise_id):
        """查看我的一家企业"""
        return own_enterprise(enterprise_id)

    @member_required
    @blp.arguments(RefundEnterpriseUpdateSchema)
    @blp.response(200, RefundEnterpriseSchema)
    @errors(404, 409)
    def patch(self, data, enterprise_id):
        """更正企业登记信息

        有申请正在由工作人员处理时不可修改。
        """
        enterprise = enterprises.change_enterprise(own_enterprise(enterprise_id), data)
        _commit_unique()
        return enterprise

