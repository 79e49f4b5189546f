"""The member's own moves in the mini-program: transfer, holding, withdrawal."""

from flask.views import MethodView

from service.api.common import PageArgs, envelope
from service.api.members.lifecycle_schemas import (
    HoldingFormSchema,
    HoldingSchema,
    TransferRequestFormSchema,
    TransferRequestSchema,
    WithdrawalFormSchema,
    WithdrawalSchema,
)
from service.extensions import db
from service.identity.auth import current_user, member_required
from service.joining import lifecycle, transfers, withdrawals
from service.web.blueprint import Blueprint, errors
from service.web.limits import limit_submissions
from service.web.pages import paginate

blp = Blueprint("my_membership", __name__, description="我的会籍")


@blp.route("/me/transfers")
class MyTransfers(MethodView):
    decorators = [limit_submissions]

    @member_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, envelope(TransferRequestSchema))
    def get(self, args):
        """我的会籍转移申请

        最新的在前，含办理状态和答复期限。
        """
        return paginate(transfers.my_transfers(current_user()), args)

    @member_required
    @blp.arguments(TransferRequestFormSchema)
    @blp.response(201, TransferRequestSchema)
    @errors(404, 409)
    def post(self, data):
        """申请会籍转移

        扫描新工会的入会码（或选择组织）申请转入；原工会同意转出（逾期未答复则自动转出）
        后由新工会接收或拒绝。会员编号、入会时间和会籍记录保持不变。
        """
        transfer = transfers.request_transfer(current_user(), data)
        db.session.commit()
        return transfer


@blp.route("/me/transfers/<int:transfer_id>/cancel")
class MyTransferCancel(MethodView):
    @member_required
    @blp.response(200, TransferRequestSchema)
    @errors(404, 409)
    def post(self, transfer_id):
        """撤销会籍转移申请

        仅在待转出或待转入时可撤销。
        """
        user = current_user()
        transfer = transfers.cancel_transfer(user, transfers.my_transfer(user, transfer_id))
        db.session.commit()
        return transfer


@blp.route("/me/holding")
class MyHolding(MethodView):
    @member_required
    @blp.arguments(HoldingFormSchema)
    @blp.response(201, HoldingSchema)
    @errors(404, 409)
    def post(self, data):
        """申请保留会籍

        新单位未建工会的，会籍转入所在区县新就业形态工会联合会（没有则为市级）的会籍保留池；
        离职暂未就业的，由原工会保留会籍。保留期间不缴会费，会员卡照常使用。
        """
        member = lifecycle.hold_membership(current_user(), data)
        db.session.commit()
        return member


@blp.route("/me/withdrawal")
class MyWithdrawal(MethodView):
    decorators = [limit_submissions]

    @member_required
    @blp.response(200, WithdrawalSchema)
    @errors(404)
    def get(self):
        """我最近的退会申请"""
        return withdrawals.my_withdrawal(current_user())

    @member_required
    @blp.arguments(WithdrawalFormSchema)
    @blp.response(201, WithdrawalSchema)
    @errors(404, 409)
    def post(self, data):
        """申请退会

        须填写理由；工会确认后会员卡立即停用，日后可重新入会并取回原会员编号。
        """
        withdrawal = withdrawals.request_withdrawal(current_user(), data["reason"])
        db.session.commit()
        return withdrawal


@blp.route("/me/withdrawal/cancel")
class MyWithdrawalCancel(MethodView):
    @member_required
    @blp.response(200, WithdrawalSchema)
    @errors(404, 409)
    def post(self):
        """撤销退会申请

        仅在工会确认前可撤销。
        """
        withdrawal = withdrawals.cancel_withdrawal(current_user())
        db.session.commit()
        return withdrawal
