"""The join review queue: staff of the org or an ancestor approve or reject."""

from flask.views import MethodView

from service.api.common import envelope
from service.api.joining.dispute_schemas import JoinUnbindSchema
from service.api.joining.schemas import (
    JoinApplicationQuerySchema,
    JoinApplicationReviewSchema,
    JoinDecisionSchema,
    JoinRejectSchema,
)
from service.extensions import db
from service.identity.auth import admin_required, current_admin, get_scoped
from service.joining.review import application_query
from service.joining.staff import approve_application, reject_application, unbind_applicant
from service.models.members import JoinApplication
from service.web.blueprint import Blueprint, errors
from service.web.limits import limit_exact_lookups
from service.web.pages import paginate

blp = Blueprint("join_review", __name__, description="入会审核")


@blp.route("")
class JoinReviewQueue(MethodView):
    decorators = [limit_exact_lookups]

    @admin_required("member_reviewer")
    @blp.arguments(JoinApplicationQuerySchema, location="query")
    @blp.response(200, envelope(JoinApplicationReviewSchema))
    @errors(404)
    def get(self, args):
        """入会申请审核列表

        列出所辖范围内的入会申请，答复期限最早的在前，支持筛选；overdue=true 只列逾期未审核的。
        """
        query = application_query(args)
        db.session.commit()  # the audit entry of an exact lookup
        return paginate(query, args)


@blp.route("/<int:application_id>")
class JoinReviewItem(MethodView):
    @admin_required("member_reviewer")
    @blp.response(200, JoinApplicationReviewSchema)
    @errors(404)
    def get(self, application_id):
        """查看所辖范围内的一条入会申请"""
        return get_scoped(JoinApplication, application_id)


@blp.route("/<int:application_id>/approve")
class JoinApprove(MethodView):
    @admin_required("member_reviewer")
    @blp.response(200, JoinDecisionSchema)
    @errors(404, 409)
    def post(self, application_id):
        """通过入会申请

        申请人成为会员并获得会员编号，同时收到通知。
        """
        application = get_scoped(JoinApplication, application_id, write=True)
        body = approve_application(application, current_admin())
        db.session.commit()
        return body


@blp.route("/<int:application_id>/reject")
class JoinReject(MethodView):
    @admin_required("member_reviewer")
    @blp.arguments(JoinRejectSchema)
    @blp.response(200, JoinDecisionSchema)
    @errors(404, 409)
    def post(self, data, application_id):
        """驳回入会申请

        须填写理由；申请人会收到通知，并可重新申请。
        """
        application = get_scoped(JoinApplication, application_id, write=True)
        body = reject_application(application, current_admin(), data["reason"])
        db.session.commit()
        return body


@blp.route("/<int:application_id>/unbind")
class JoinUnbindAccount(MethodView):
    @admin_required("member_reviewer")
    @blp.arguments(JoinUnbindSchema)
    @blp.response(204)
    @errors(404, 409)
    def post(self, data, application_id):
        """解除申请人微信账号与本申请身份证号的绑定"""
        application = get_scoped(JoinApplication, application_id, write=True)
        unbind_applicant(application, data["reason"])
        db.session.commit()
