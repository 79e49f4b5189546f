"""What staff do to join codes, applications and members: each change checked and audited."""

from service.identity import audit
from service.joining.applications import approve, reject
from service.joining.binding import unbind_for
from service.joining.codes import create_join_code, describe_codes
from service.joining.membership import transfer_member
from service.models.accounts import Admin
from service.models.join_codes import JoinCode
from service.models.members import JoinApplication, Member
from service.models.orgs import Org
from service.web.errors import abort


def add_join_code(org: Org, label: str, admin: Admin) -> dict:
    """Make a join code for a channel of an org that takes members; the code described."""
    if not org.accepts_members:
        abort(409, "org_not_accepting", f"{org.name}不接收入会，不能生成入会码")
    code = create_join_code(org, label, admin)
    audit.record("join_code.create", object_type="join_code", object_id=code.id,
                 org_id=org.id, detail={"label": code.label})
    return describe_codes([code])[0]


def change_join_code(code: JoinCode, changes: dict) -> dict:
    """Rename a code or switch it off; the code described."""
    for name, value in changes.items():
        setattr(code, name, value)
    audit.record("join_code.update", object_type="join_code", object_id=code.id,
                 org_id=code.org_id, detail=changes)
    return describe_codes([code])[0]


def approve_application(application: JoinApplication, admin: Admin) -> dict:
    """Approve: the applicant becomes a member with a number and is notified."""
    member = approve(application, admin)
    audit.record("join.approve", object_type="join_application", object_id=application.id,
                 org_id=application.org_id, detail={"member_no": member.member_no})
    return {"status": "approved", "member_no": member.member_no}


def reject_application(application: JoinApplication, admin: Admin, reason: str) -> dict:
    """Reject with a reason; the applicant is notified and may apply again."""
    reject(application, admin, reason)
    audit.record("join.reject", object_type="join_application", object_id=application.id,
                 org_id=application.org_id, reason=reason[:255])
    return {"status": "rejected", "member_no": None}


def move_member(member: Member, target: Org, reason: str, admin: Admin) -> None:
    """Move a member to another org (会籍转移), audited with both orgs."""
    transfer = transfer_member(member, target, reason, admin)
    audit.record("member.transfer", object_type="member", object_id=member.id,
                 org_id=target.id, reason=reason[:255],
                 detail={"from_org_id": transfer.from_org_id, "to_org_id": target.id})


def unbind_applicant(application: JoinApplication, reason: str) -> None:
    """Free the applicant's WeChat account from the application's ID number (audited)."""
    user = unbind_for(application)
    audit.record("join.unbind_account", object_type="user", object_id=user.id,
                 org_id=application.org_id, reason=reason[:255],
                 detail={"application_id": application.id})
