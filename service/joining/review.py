"""What a reviewer reads: the queue, an applicant's history, a personal record in full."""

from datetime import UTC

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from service.core import clock
from service.core.database import read_in_order
from service.core.pii import blind_match
from service.domain.errors import RuleViolation
from service.extensions import db
from service.identity import audit
from service.identity.auth import has_role, scope_org_ids
from service.joining.roster import common_filters, deadline_order, figure_total, most_rows_pass
from service.models.accounts import Admin
from service.models.figures import APPLICATION
from service.models.members import JoinApplication, Member
from service.models.orgs import Org, in_subtree
from service.web.errors import abort
from service.web.pages import with_known_total

# Reasons a reviewer picks from (or types their own): each tells the applicant what to do.
REJECT_REASONS = (
    "工作单位填写不完整，请补充后重新提交",
    "非本工会所属单位职工，请到所在单位工会申请",
    "姓名与身份证号码不一致，请核对后重新提交",
    "手机号码无法联系，请填写本人常用手机号码后重新提交",
    "所填职业与实际从事工作不符，请如实填写后重新提交",
)
REVEAL_ROLE = "org_admin"
REASON_MAX = 200
DUE_ORDER_INDEX = "ix_join_applications_due_order"


def application_query(args: dict) -> Select:
    """Applications in the caller's scope, filtered by `args` (status, org_id, occupation,
    since, until, q; `overdue` narrows to the pending ones past their due date), the
    earliest due first, as a queue is worked through."""
    query = deadline_order(
        select(JoinApplication)
        .options(selectinload(JoinApplication.org), selectinload(JoinApplication.member),
                 selectinload(JoinApplication.join_code)),
        JoinApplication, ("pending",), args.get("overdue"))
    if args.get("status"):
        query = query.where(JoinApplication.status == args["status"])
    if most_rows_pass(args, "status", "since", "until", "overdue"):
        # Read in the queue's order until the page is full, never sorting the scope whole
        # (see core.database.newest_first for why MariaDB needs telling).
        query = read_in_order(query, JoinApplication, DUE_ORDER_INDEX)
    query = common_filters(query, JoinApplication, JoinApplication.id_index,
                           JoinApplication.created_at, args)
    return with_known_total(query, figure_total(args, APPLICATION))


def waiting_summary(root: Org) -> dict:
    """The queue of `root`'s subtree: its size and when its oldest application came in
    (None when empty)."""
    count, oldest = db.session.execute(waiting_query(root)).one()
    if oldest is not None and oldest.tzinfo is None:  # an aggregate skips the column type
        oldest = oldest.replace(tzinfo=UTC)
    days = None if oldest is None else (
        clock.today_shanghai() - oldest.astimezone(clock.SHANGHAI).date()).days
    return {"pending": count, "oldest_at": oldest, "oldest_days": days}


def waiting_query(root: Org):
    """The count and oldest date of the subtree's pending applications: the city's from
    (status, created_at) alone, a district's by (org, status)."""
    return select(func.count(), func.min(JoinApplication.created_at)).where(
        JoinApplication.status == "pending", in_subtree(JoinApplication.org_id, root))


def applicant_history(application: JoinApplication) -> list[JoinApplication]:
    """Every application of the same person or the same WeChat account in the caller's
    scope, oldest first (this one included)."""
    same_person = blind_match(JoinApplication.id_index, "id_number", application.id_number)
    return list(db.session.scalars(
        select(JoinApplication).options(selectinload(JoinApplication.org))
        .where(or_(same_person, JoinApplication.user_id == application.user_id),
               JoinApplication.org_id.in_(scope_org_ids()))
        .order_by(JoinApplication.created_at, JoinApplication.id)))


def reveal_person(record: JoinApplication | Member, admin: Admin, reason: str) -> dict:
    """The full ID number and phone of an application or member, for an org admin who gives
    a reason; audited (who, which record, why; never the numbers)."""
    if not has_role(admin, REVEAL_ROLE):
        abort(403, "role_required", "查看完整身份证号码和手机号码需要组织管理员权限")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("reason_required", "请填写查看完整信息的理由", "reason")
    if len(reason) > REASON_MAX:
        raise RuleViolation("reason_too_long", f"理由不能超过{REASON_MAX}个字", "reason")
    kind = "member" if isinstance(record, Member) else "join_application"
    audit.record(f"{kind}.reveal", object_type=kind, object_id=record.id,
                 org_id=record.org_id, reason=reason)
    return {"id_number": record.id_number, "phone": record.phone}
