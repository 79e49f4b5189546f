"""Disputes: an application for a person whose ID number another account already holds.

The application is kept with status `disputed` (it holds no live person index) and a
dispute row names the org holding the membership or the live application: its staff see
both sides, masked, check documents and decide (service/joining/dispute_resolution.py).
Nothing told to the claimant names that org or that person.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from service.domain.masking import mask_id_number, mask_phone
from service.extensions import db
from service.identity.auth import scope_org_ids
from service.joining.membership import org_brief
from service.models.disputes import JoinDispute
from service.models.members import JoinApplication

CLAIM_RECEIVED = ("该身份证号码已有入会记录。您的申请已转交工会核实身份，核实结果将通过微信消息"
                  "通知您；如有疑问，请携带身份证件联系工会")
CLAIM_PENDING = "您的入会申请正在核实身份，请耐心等待核实结果；如有疑问，请携带身份证件联系工会"


def holder_org_id(holder: JoinApplication) -> int:
    """The org that answers for a live application: its member's org, else its own."""
    return holder.member.org_id if holder.member is not None else holder.org_id


def open_dispute(application: JoinApplication, holder: JoinApplication) -> JoinDispute:
    """Keep `application` (status `disputed`) as a claim on the person `holder` holds."""
    dispute = JoinDispute(application=application, holder_application=holder,
                          holder_org_id=holder_org_id(holder), status="open")
    db.session.add(dispute)
    return dispute


def disputes_query(args: dict):
    """Disputes whose holding org is in the caller's subtree, newest first."""
    query = (select(JoinDispute)
             .options(selectinload(JoinDispute.holder_org),
                      *(selectinload(side).selectinload(part)
                        for side in (JoinDispute.application, JoinDispute.holder_application)
                        for part in (JoinApplication.org, JoinApplication.user,
                                     JoinApplication.member)))
             .where(JoinDispute.holder_org_id.in_(scope_org_ids()))
             .order_by(JoinDispute.id.desc()))
    if "status" in args:
        query = query.where(JoinDispute.status == args["status"])
    return query


def _side(application: JoinApplication) -> dict:
    user = application.user
    member = application.member
    return {
        "application_id": application.id,
        "application_status": application.status,
        "name": application.name,
        "phone": mask_phone(application.phone),
        # Whether the phone on the form is the one WeChat verified for that account.
        "phone_verified": user.phone_index is not None
        and user.phone_index == application.phone_index,
        "account_phone": mask_phone(user.phone),
        "applied_at": application.created_at,
        "org": org_brief(member.org if member is not None else application.org),
        "member_no": member.member_no if member is not None else None,
        "joined_at": member.joined_at if member is not None else None,
    }


def describe(dispute: JoinDispute) -> dict:
    """Both sides of a dispute as the holding org's staff see them: numbers masked."""
    claim = dispute.application
    return {"id": dispute.id, "status": dispute.status,
            "id_number": mask_id_number(claim.id_number),
            "holder_org": org_brief(dispute.holder_org),
            "claimant": _side(claim), "holder": _side(dispute.holder_application),
            "note": dispute.note, "created_at": dispute.created_at,
            "resolved_at": dispute.resolved_at, "resolved_by": dispute.resolved_by}
