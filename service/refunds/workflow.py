"""The one place where refund applications change status, guarded against races."""

from flask import g
from sqlalchemy import update

from service.core import clock
from service.extensions import db
from service.identity.labels import public_name
from service.models.refund_applications import RefundApplication, RefundStatusChange
from service.refunds.notices import RESULT_PHRASES, notify_result
from service.web.errors import abort

STATUS_LABELS = {"draft": "草稿", "submitted": "待审核", "approved": "审核通过",
                 "rejected": "已驳回", "paid": "已拨付"}
# action -> (statuses it starts from, status it leads to)
TRANSITIONS = {
    "submit": (("draft", "rejected"), "submitted"),
    "approve": (("submitted",), "approved"),
    "reject": (("submitted",), "rejected"),
    "pay": (("approved",), "paid"),
}
ACTION_LABELS = {"submit": "提交", "approve": "审核通过", "reject": "驳回", "pay": "拨付"}
# Statuses in which the applicant may still change the application and its files.
EDITABLE = ("draft", "rejected")


def record_creation(application: RefundApplication, actor: tuple | None = None) -> None:
    """Start the history of a new application (flushed, so it has an id)."""
    _add_history(application, None, application.status, None, actor)


def refuse_unless_allowed(application: RefundApplication, action: str) -> None:
    """409 when `action` does not start from the application's status."""
    current = application.status
    if current not in TRANSITIONS[action][0]:
        abort(409, "status_invalid",
              f"申请当前为“{STATUS_LABELS[current]}”状态，不能{ACTION_LABELS[action]}")


def move(application: RefundApplication, action: str, *, note: str | None = None,
         actor: tuple | None = None, **values) -> None:
    """Apply `action` if the application is still in the status it was read in, else 409.

    `values` are further columns set in the same conditional UPDATE; `actor` (kind, id,
    name) defaults to the caller of the request.
    """
    refuse_unless_allowed(application, action)
    current, target = application.status, TRANSITIONS[action][1]
    db.session.flush()
    # Two staff acting at once both read the old status; only one UPDATE matches it.
    result = db.session.execute(
        update(RefundApplication)
        .where(RefundApplication.id == application.id, RefundApplication.status == current)
        .values(status=target, version=RefundApplication.version + 1, updated_at=clock.now(),
                **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        abort(409, "status_conflict", "该申请已被他人处理，请刷新后查看最新状态")
    db.session.expire(application)
    _add_history(application, current, target, note, actor)
    if action in RESULT_PHRASES:
        notify_result(application, action, note)


def _add_history(application, from_status, to_status, note, actor) -> None:
    kind, actor_id, name = actor or _actor()
    db.session.add(RefundStatusChange(
        application_id=application.id, actor_kind=kind, actor_id=actor_id, actor_name=name,
        from_status=from_status, to_status=to_status, note=note))


def admin_actor(admin) -> tuple[str, int, str]:
    """A staff account as the actor of a transition, named as the applicant sees it."""
    return "admin", admin.id, public_name(admin)


def _actor() -> tuple[str, int | None, str | None]:
    admin, user = g.get("admin"), g.get("user")
    if admin is not None:
        return admin_actor(admin)
    if user is not None:
        return "member", user.id, "申请人"
    return "system", None, "系统"
