"""Subscribe messages telling the applicant how the application went."""

from flask import current_app

from service.core.clock import now_shanghai
from service.domain.refund_eligibility import format_yuan
from service.models.outbox import enqueue
from service.models.refund_applications import RefundApplication

RESULT_PHRASES = {"approve": "通过", "reject": "驳回", "pay": "已拨付"}
PAGE = "pages/refunds/detail?id={id}"


def notify_result(application: RefundApplication, action: str, note: str | None) -> None:
    """Queue the result message in the caller's transaction."""
    amount = application.payout_fen if action == "pay" else application.refundable_fen
    data = {
        "thing1": application.enterprise.name,
        "phrase2": RESULT_PHRASES[action],
        "amount3": f"{format_yuan(amount)}元",
        "thing4": (note or "").strip() or "无",
        "time5": now_shanghai().strftime("%Y-%m-%d %H:%M"),
    }
    enqueue(application.user_id, current_app.config["WECHAT_TPL_REFUND_RESULT"], data,
            PAGE.format(id=application.id))
