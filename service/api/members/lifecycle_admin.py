"""Staff side of the membership lifecycle: transfer queues, release, accept, refuse;
withdrawal queue and confirmation."""

from flask.views import MethodView

from service.api.common import PageArgs, envelope
from service.api.members.lifecycle_schemas import (
    RefuseSchema,
    ReminderSchema,
    StaffTransferRequestSchema,
    StaffWithdrawalSchema,
    TransferQuerySchema,
    WithdrawalQuerySchema,
)
from service.extensions import db
from service.identity.auth import admin_required, current_admin, get_scoped
from service.joining import transfers, withdrawals
from service.joining.deadlines import reminders_for
from service.models.lifecycle import TransferRequest, WithdrawalRequest
from service.web.blueprint import Blueprint, errors
from service.web.pages import paginate

blp = Blueprint("membership_lifecycle", __name__, description="会籍转移与退会")
REVIEWER = "member_reviewer"


def _transfer(transfer_id: int, side: str) -> TransferRequest:
    # The side that must act: the current org releases, the new org accepts or refuses.
    return get_scoped(TransferRequest, transfer_id, write=True, noun="会籍转移申请",
                      org_of=lambda t: getattr(t, side))


@blp.route("/transfers")
class TransferQueue(MethodView):
    @admin_required(REVIEWER)
    @blp.arguments(TransferQuerySchema, location="query")
    @blp.response(200, envelope(StaffTransferRequestSchema))
    def get(self, args):
        """会籍转移列表

        转出（direction=out）或转入（direction=in）所辖范围的转移申请，答复期限最早的在前；
        overdue=true 只列逾期未办的。
        """
        return paginate(transfers.staff_transfers(args), args)


@blp.route("/transfers/<int:transfer_id>/release")
class TransferRelease(MethodView):
    @admin_required(REVIEWER)
    @blp.response(200, StaffTransferRequestSchema)
    @errors(404, 409)
    def post(self, transfer_id):
        """同意转出

        由会员现所属组织（或其上级）办理；之后由新组织接收。
        """
        transfer = transfers.release_transfer(_transfer(transfer_id, "from_org"),
                                              current_admin())
        db.session.commit()
        return transfer


@blp.route("/transfers/<int:transfer_id>/accept")
class TransferAccept(MethodView):
    @admin_required(REVIEWER)
    @blp.response(200, StaffTransferRequestSchema)
    @errors(404, 409)
    def post(self, transfer_id):
        """接收转入会员

        由新组织（或其上级）办理；会员编号、入会时间不变，并记入会籍转移记录。
        """
        transfer = transfers.accept_transfer(_transfer(transfer_id, "to_org"), current_admin())
        db.session.commit()
        return transfer


@blp.route("/transfers/<int:transfer_id>/refuse")
class TransferRefuse(MethodView):
    @admin_required(REVIEWER)
    @blp.arguments(RefuseSchema)
    @blp.response(200, StaffTransferRequestSchema)
    @errors(404, 409)
    def post(self, data, transfer_id):
        """拒绝转入

        须填写理由；会员留在原组织并收到通知。
        """
        transfer = transfers.refuse_transfer(_transfer(transfer_id, "to_org"), current_admin(),
                                             data["reason"])
        db.session.commit()
        return transfer


@blp.route("/withdrawals")
class WithdrawalQueue(MethodView):
    @admin_required(REVIEWER)
    @blp.arguments(WithdrawalQuerySchema, location="query")
    @blp.response(200, envelope(StaffWithdrawalSchema))
    def get(self, args):
        """退会申请列表

        所辖范围内的退会申请，答复期限最早的在前；overdue=true 只列逾期未办的。
        """
        return paginate(withdrawals.staff_withdrawals(args), args)


@blp.route("/withdrawals/<int:withdrawal_id>/confirm")
class WithdrawalConfirm(MethodView):
    @admin_required(REVIEWER)
    @blp.response(200, StaffWithdrawalSchema)
    @errors(404, 409)
    def post(self, withdrawal_id):
        """确认退会

        会员卡立即停用；此人日后重新入会时取回原会员编号。
        """
        withdrawal = get_scoped(WithdrawalRequest, withdrawal_id, write=True, noun="退会申请")
        body = withdrawals.confirm_withdrawal(withdrawal, current_admin())
        db.session.commit()
        return body


@blp.route("/reminders")
class MyReminders(MethodView):
    @admin_required(REVIEWER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, envelope(ReminderSchema))
    def get(self, args):
        """我的到期提醒

        每日提醒：2个工作日内到期的待办事项，以及下级组织逾期未办、报到本级的事项；最新的在前。
        """
        return paginate(reminders_for(current_admin()), args)
