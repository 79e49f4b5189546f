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
        """The enterprises the caller registered."""
        query = (select(Enterprise).where(Enterprise.user_id == current_user().id)
                 .order_by(Enterprise.id.desc()))
        return paginate(query, args)

    @limit_registrations
    @member_required
    @blp.arguments(RefundEnterpriseInSchema)
    @blp.response(201, RefundEnterpriseSchema)
    @errors(409, 429)
    def post(self, data):
        """Register an enterprise and its grassroots union; the size class is computed.

        At most ENTERPRISES_PER_ACCOUNT (3) per account, and ENTERPRISE_RATE_LIMIT per
        account; a code another account holds can be claimed (`/enterprise-claims`).
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
        """One of the caller's enterprises."""
        return own_enterprise(enterprise_id)

    @member_required
    @blp.arguments(RefundEnterpriseUpdateSchema)
    @blp.response(200, RefundEnterpriseSchema)
    @errors(404, 409)
    def patch(self, data, enterprise_id):
        """Correct the registration; not while an application is with staff."""
        enterprise = enterprises.change_enterprise(own_enterprise(enterprise_id), data)
        _commit_unique()
        return enterprise

