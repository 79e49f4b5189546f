"""The electronic member card, as the mini-program shows it."""

from flask.views import MethodView

from service.api.joining.schemas import MemberCardSchema
from service.identity.auth import current_user, member_required
from service.joining.membership import member_card
from service.web.blueprint import Blueprint, errors

blp = Blueprint("member_card", __name__, description="电子会员卡")


@blp.route("/me/card")
class MyMemberCard(MethodView):
    @member_required
    @blp.response(200, MemberCardSchema)
    @errors(404)
    def get(self):
        """获取我的电子会员卡

        附带新生成的短时效校验码，供工作人员核验。
        """
        return member_card(current_user())
