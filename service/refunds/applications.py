"""Applications as the applicant handles them: ownership, assessment, required files."""

from sqlalchemy import select

from service.core.clock import today_shanghai
from service.domain.errors import RuleViolation
from service.domain.refund_eligibility import assess
from service.extensions import db
from service.identity.auth import current_user
from service.models.refund_applications import RefundApplication, RefundAttachment
from service.models.refunds import Enterprise
from service.refunds.policies import policy_for_year
from service.refunds.workflow import EDITABLE
from service.web.errors import abort

REQUIRED_KINDS = {"tax_receipt": "缴费凭证/完税证明", "business_license": "营业执照",
                  "union_certificate": "工会法人资格证书"}
KIND_LABELS = {**REQUIRED_KINDS, "other": "其他材料"}


def own_enterprise(enterprise_id: int) -> Enterprise:
    """The caller's enterprise; anybody else's is 404."""
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or enterprise.user_id != current_user().id:
        abort(404, "enterprise_not_found", "企业不存在")
    return enterprise


def own_application(application_id: int) -> RefundApplication:
    """The caller's application; anybody else's is 404."""
    application = db.session.get(RefundApplication, application_id)
    if application is None or application.user_id != current_user().id:
        abort(404, "application_not_found", "申请不存在")
    return application


def attachment_of(application: RefundApplication, attachment_id: int) -> RefundAttachment:
    """A file of `application` by id, or 404."""
    attachment = db.session.get(RefundAttachment, attachment_id)
    if attachment is None or attachment.application_id != application.id:
        abort(404, "attachment_not_found", "文件不存在")
    return attachment


def reassess(application: RefundApplication) -> None:
    """Recompute eligibility, amount, size class and scope from the current data."""
    policy = policy_for_year(application.year)
    if policy is None:
        raise RuleViolation("policy_not_found",
                            f"{application.year}年度没有可申报的经费返还政策", "year")
    enterprise = application.enterprise
    result = assess(policy, size_class=enterprise.size_class,
                    union_established_on=enterprise.union_established_on,
                    paid_fen=application.paid_fen, today=today_shanghai())
    application.policy = policy
    application.eligible = result.eligible
    application.ineligible_reasons = list(result.reasons)
    application.refundable_fen = result.refundable_fen
    application.size_class = enterprise.size_class
    application.org_id = enterprise.org_id
    application.district_code = enterprise.district_code


def existing_application(enterprise_id: int, year: int) -> RefundApplication | None:
    return db.session.scalar(select(RefundApplication).where(
        RefundApplication.enterprise_id == enterprise_id, RefundApplication.year == year))


def refuse_duplicate(enterprise_id: int, year: int) -> None:
    """409 when the enterprise already applied for the year."""
    if existing_application(enterprise_id, year) is not None:
        abort(409, "application_exists", f"该企业{year}年度已有返还申请，每年只能申请一次")


def refuse_incomplete(application: RefundApplication) -> None:
    """409 unless the application is eligible and has every required file."""
    if not application.eligible:
        abort(409, "not_eligible", "不符合申报条件：" + "；".join(application.ineligible_reasons))
    present = {a.kind for a in application.attachments}
    missing = [label for kind, label in REQUIRED_KINDS.items() if kind not in present]
    if missing:
        abort(409, "attachments_missing", "请先上传：" + "、".join(missing))


def refuse_unless_editable(application: RefundApplication) -> None:
    """409 once the application is with staff."""
    if application.status not in EDITABLE:
        abort(409, "application_locked", "申请已提交审核，不能再修改")
