"""Claiming a credit code another account registered (squatting), and staff deciding it.

The real company files a claim with its business licence (营业执照); staff of the
enterprise's district federation (refund_reviewer or org_admin, in scope) compare the
licence with the registration and either move the enterprise, with its applications, to
the claimant's account or reject the claim. Both are audited.
"""

from sqlalchemy import select, update

from service.core import clock
from service.domain.uscc import validate_uscc
from service.extensions import db
from service.identity import audit
from service.identity.auth import get_scoped, scope_org_ids
from service.models.accounts import Admin, User
from service.models.refund_applications import RefundApplication
from service.models.refunds import Enterprise, EnterpriseClaim
from service.refunds import files
from service.refunds.enterprises import LOCKED_STATUSES
from service.web.errors import abort

DECISIONS = {"approve": "approved", "reject": "rejected"}


def file_claim(user: User, uscc: str, upload, note: str | None) -> EnterpriseClaim:
    """Record `user`'s claim to the enterprise registered under `uscc`, with the licence.

    Commits here, inside the upload's block, so a failed commit also removes the file.
    """
    uscc = validate_uscc(uscc, field="uscc")
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if enterprise is None:
        abort(422, "enterprise_not_registered", "该统一社会信用代码尚未登记，可直接登记企业",
              {"multipart": {"uscc": ["尚未登记，可直接登记企业"]}})
    if enterprise.user_id == user.id:
        abort(409, "enterprise_already_yours", "该企业已由您的账号登记，无需认领")
    pending = db.session.scalar(select(EnterpriseClaim.id).where(
        EnterpriseClaim.enterprise_id == enterprise.id, EnterpriseClaim.user_id == user.id,
        EnterpriseClaim.status == "pending"))
    if pending is not None:
        abort(409, "claim_pending", "您对该企业的认领申请正在审核，请耐心等待")
    with files.stored_upload(upload) as stored:
        claim = EnterpriseClaim(
            enterprise_id=enterprise.id, user_id=user.id, org_id=enterprise.org_id,
            note=note, content_type=stored.content_type, size_bytes=stored.size_bytes,
            sha256=stored.sha256, storage_name=stored.name)
        db.session.add(claim)
        db.session.flush()
        audit.record("refund.enterprise_claim.file", object_type="enterprise_claim",
                     object_id=claim.id, org_id=claim.org_id)
        db.session.commit()
    return claim


def own_claims(user: User):
    """A SELECT of the claims `user` filed, newest first."""
    return (select(EnterpriseClaim).where(EnterpriseClaim.user_id == user.id)
            .order_by(EnterpriseClaim.id.desc()))


def claims_in_scope(status: str | None):
    """A SELECT of the claims the calling staff may decide, newest first."""
    query = select(EnterpriseClaim).where(EnterpriseClaim.org_id.in_(scope_org_ids()))
    if status is not None:
        query = query.where(EnterpriseClaim.status == status)
    return query.order_by(EnterpriseClaim.id.desc())


def scoped_claim(claim_id: int, *, write: bool = False) -> EnterpriseClaim:
    """A claim of the caller's subtree: outside is 404 to read, 403 to write."""
    return get_scoped(EnterpriseClaim, claim_id, write=write)


def licence_download(claim: EnterpriseClaim):
    """The licence as a download; the caller commits the audit entry recorded here."""
    audit.record("refund.enterprise_claim.licence", object_type="enterprise_claim",
                 object_id=claim.id, org_id=claim.org_id)
    extension = files.EXTENSIONS[claim.content_type]
    return files.download(claim.storage_name, claim.content_type,
                          f"business-license-claim-{claim.id}.{extension}")


def decide(claim: EnterpriseClaim, decision: str, admin: Admin, note: str | None) -> None:
    """Approve (move the enterprise to the claimant) or reject a pending claim, audited.

    The caller commits.
    """
    if claim.status != "pending":
        abort(409, "claim_decided", "该认领申请已处理")
    note = (note or "").strip() or None
    if decision == "reject" and note is None:
        abort(422, "reason_required", "驳回时请填写原因", {"json": {"note": ["驳回时请填写原因"]}})
    enterprise = claim.enterprise
    detail = {"from_user_id": enterprise.user_id, "to_user_id": claim.user_id}
    if decision == "approve":
        busy = db.session.scalar(select(RefundApplication.id).where(
            RefundApplication.enterprise_id == enterprise.id,
            RefundApplication.status.in_(LOCKED_STATUSES)).limit(1))
        if busy is not None:
            abort(409, "enterprise_in_review",
                  "该企业有申请正在审核或待拨付，请先处理该申请后再办理认领")
        moved = db.session.execute(
            update(RefundApplication).where(RefundApplication.enterprise_id == enterprise.id)
            .values(user_id=claim.user_id))
        enterprise.user_id = claim.user_id
        detail["applications_moved"] = moved.rowcount
    moved_to = DECISIONS[decision]
    done = db.session.execute(
        update(EnterpriseClaim).where(EnterpriseClaim.id == claim.id,
                                      EnterpriseClaim.status == "pending")
        .values(status=moved_to, decided_by_id=admin.id, decided_at=clock.now(),
                decision_note=note))
    if done.rowcount != 1:  # another reviewer decided it at the same moment
        abort(409, "claim_decided", "该认领申请已处理")
    audit.record(f"refund.enterprise_claim.{decision}", object_type="enterprise_claim",
                 object_id=claim.id, org_id=claim.org_id, reason=note, detail=detail)
