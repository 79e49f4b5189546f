"""Join codes per org and channel, as staff make and manage them."""

from flask import Response
from flask.views import MethodView
from sqlalchemy import select

from service.api.common import PageArgs, envelope
from service.api.joining.schemas import JoinCodeCreateSchema, JoinCodeSchema, JoinCodeUpdateSchema
from service.extensions import db
from service.identity.auth import admin_required, current_admin, get_scoped
from service.joining.codes import describe_codes, image_type
from service.joining.staff import add_join_code, change_join_code
from service.models.join_codes import JoinCode
from service.models.orgs import Org
from service.web.blueprint import Blueprint, errors
from service.web.pages import paginate

blp = Blueprint("join_codes", __name__, description="入会码")


@blp.route("/orgs/<int:org_id>/join-codes")
class OrgJoinCodes(MethodView):
    @admin_required("member_reviewer")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, envelope(JoinCodeSchema))
    @errors(404)
    def get(self, args, org_id):
        """The org's join codes with scans, applications and joins per code."""
        org = get_scoped(Org, org_id)
        page = paginate(select(JoinCode).where(JoinCode.org_id == org.id)
                        .order_by(JoinCode.id.desc()), args)
        return {**page, "items": describe_codes(page["items"])}

    @admin_required("member_reviewer")
    @blp.arguments(JoinCodeCreateSchema)
    @blp.response(201, JoinCodeSchema)
    @errors(404, 409)
    def post(self, data, org_id):
        """Make a join code for a channel; the image is fetched from WeChat once, now."""
        org = get_scoped(Org, org_id, write=True)
        body = add_join_code(org, data["label"], current_admin())
        db.session.commit()
        return body


@blp.route("/join-codes/<int:join_code_id>")
class JoinCodeDetail(MethodView):
    @admin_required("member_reviewer")
    @blp.arguments(JoinCodeUpdateSchema)
    @blp.response(200, JoinCodeSchema)
    @errors(404)
    def patch(self, data, join_code_id):
        """Rename a code or switch it off (a disabled code answers scans with 404)."""
        code = get_scoped(JoinCode, join_code_id, write=True)
        body = change_join_code(code, data)
        db.session.commit()
        return body


@blp.route("/join-codes/<int:join_code_id>/image")
class JoinCodeImage(MethodView):
    @admin_required()
    @blp.response(200, content_type="image/png", description="小程序码图片（PNG或JPEG）")
    @errors(404)
    def get(self, join_code_id):
        """The code image as WeChat made it, from the database."""
        code = get_scoped(JoinCode, join_code_id)
        mimetype = image_type(code.image)
        response = Response(code.image, mimetype=mimetype)
        response.headers["Cache-Control"] = "private, max-age=86400"
        extension = mimetype.removeprefix("image/").replace("jpeg", "jpg")
        response.headers["Content-Disposition"] = f'inline; filename="{code.scene}.{extension}"'
        return response
