"""Joining by QR code as the mini-program sees it: scan, apply, follow up."""

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from service.api.common import PageArgs, envelope
from service.api.joining.schemas import (
    JoinApplicationFormSchema,
    JoinApplicationSchema,
    JoinSceneSchema,
    PrivacyNoticeQuerySchema,
    PrivacyNoticeSchema,
)
from service.core.transactions import with_lock_retries
from service.extensions import db
from service.identity.auth import current_user, member_required
from service.joining.applications import submit_application
from service.joining.codes import scan_scene
from service.joining.disputes import CLAIM_RECEIVED
from service.joining.membership import org_brief
from service.joining.privacy import notice_for_reading
from service.models.members import JoinApplication
from service.web.blueprint import Blueprint, errors
from service.web.limits import limit_submissions
from service.web.pages import paginate

blp = Blueprint("join", __name__, description="扫码入会")


@blp.route("/join/scenes/<scene>")
class JoinScene(MethodView):
    @blp.response(200, JoinSceneSchema)
    @errors(404)
    def get(self, scene):
        """查询入会码扫码后的去向

        返回扫码后进入的入会信息，并计入一次扫码；无需令牌。
        """
        body = scan_scene(scene)
        db.session.commit()
        return body


@blp.route("/privacy-notice")
class PrivacyNotice(MethodView):
    @blp.arguments(PrivacyNoticeQuerySchema, location="query")
    @blp.response(200, PrivacyNoticeSchema)
    @errors(404)
    def get(self, args):
        """查看隐私政策

        默认返回当前版本（入会申请须同意当前版本）；`version` 可查看以前的版本。无需令牌。
        """
        return notice_for_reading(args.get("version"))


@blp.route("/join/applications")
class MyJoinApplications(MethodView):
    decorators = [limit_submissions]

    @member_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, envelope(JoinApplicationSchema))
    def get(self, args):
        """我的入会申请

        最新的在前。
        """
        query = (select(JoinApplication)
                 .options(selectinload(JoinApplication.org), selectinload(JoinApplication.member))
                 .where(JoinApplication.user_id == current_user().id)
                 .order_by(JoinApplication.id.desc()))
        return paginate(query, args)

    @member_required
    @blp.arguments(JoinApplicationFormSchema)
    @blp.response(201, JoinApplicationSchema)
    @blp.alt_response(202, schema=JoinApplicationSchema,
                      description="该身份证号码已由其他微信账号持有：申请（status=disputed）待工会核实")
    @errors(403, 409)
    def post(self, data):
        """提交入会申请

        申请进入待审核；若组织设为自动通过，则立即成为会员。

        若该身份证号已被其他账号占用，申请将作为申诉保留，交由工会核实
        （返回 202，`status` 为 `disputed`）；应答中不透露是哪个工会。
        """
        user = current_user()

        def submit():
            application, member = submit_application(user, data)
            body = _as_submitted(application, member.member_no if member else None)
            db.session.commit()
            if body["status"] == "disputed":
                return {**body, "message": CLAIM_RECEIVED}, 202
            return body

        return with_lock_retries(submit)


def _as_submitted(application: JoinApplication, member_no: str | None) -> dict:
    # Read before the commit expires the objects: the answer needs no further query.
    return {"id": application.id, "status": application.status,
            "org": org_brief(application.org), "member_no": member_no,
            "name": application.name, "occupation": application.occupation,
            "reject_reason": None, "created_at": application.created_at,
            "reviewed_at": application.reviewed_at, "due_on": application.due_on,
            "due_on_estimated": application.due_on_estimated}

