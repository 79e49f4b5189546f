"""The mini-program user: who am I, binding a phone number."""

from flask.views import MethodView

from service.api.identity.schemas import CodeSchema, MeSchema, PhoneSchema
from service.extensions import db
from service.identity.auth import current_user, member_required
from service.identity.users import bind_phone, describe
from service.web.blueprint import Blueprint

blp = Blueprint("identity", __name__, description="小程序用户身份")


@blp.route("/me")
class Me(MethodView):
    @member_required
    @blp.response(200, MeSchema)
    def get(self):
        """The current user, phone masked, with membership if any."""
        return describe(current_user())


@blp.route("/me/phone")
class MyPhone(MethodView):
    @member_required
    @blp.arguments(CodeSchema)
    @blp.response(200, PhoneSchema)
    def post(self, data):
        """Bind the phone number from a getPhoneNumber code."""
        phone = bind_phone(current_user(), data["code"])
        db.session.commit()
        return {"phone": phone}
