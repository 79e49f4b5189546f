"""Membership: who is a member, making one from an application, the card's verify code."""

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from service.core import clock
from service.extensions import db
from service.models.accounts import Admin, User
from service.models.lifecycle import MembershipEvent
from service.models.members import JoinApplication, Member, MemberTransfer, PersonDetails
from service.models.orgs import Org
from service.web.errors import abort

PERSON_FIELDS = tuple(name for name in PersonDetails.__annotations__)


def member_of(user: User) -> Member | None:
    """The user's membership row, with its org."""
    return db.session.scalar(
        select(Member).options(joinedload(Member.org)).where(Member.user_id == user.id))


def org_brief(org: Org) -> dict:
    """The org as the mini-program shows it."""
    return {"id": org.id, "name": org.name, "kind": org.kind,
            "district_code": org.district_code}


def membership_of(user: User) -> dict | None:
    """The user's current membership as shown in `GET /me`, or None."""
    member = member_of(user)
    if member is None:
        return None
    return {"member_no": member.member_no, "org": org_brief(member.org),
            "joined_at": member.joined_at, "status": member.status}


def member_number(org: Org, joined_at: datetime, application_id: int) -> str:
    """Readable and unique: district, year of joining, then the application's id."""
    district = org.district_code or "000000"
    return f"{district}-{joined_at.astimezone(clock.SHANGHAI):%Y}-{application_id:08d}"


def make_member(application: JoinApplication, joined_at: datetime) -> Member:
    """Add the member an approved application makes (its person index is unique).

    A person who withdrew (退会) and rejoins gets their old row back: the same member
    number, the new org, the new join date."""
    former = db.session.scalar(select(Member).where(
        Member.person_index == application.id_index, Member.status == "withdrawn"))
    if former is not None:
        former.application = application
        former.user_id, former.org_id = application.user_id, application.org_id
        former.status, former.hold_reason, former.joined_at = "active", None, joined_at
        for name in PERSON_FIELDS:
            setattr(former, name, getattr(application, name))
        db.session.add(MembershipEvent(member_id=former.id, subject="rejoin",
                                       subject_id=application.id, action="rejoined",
                                       from_status="withdrawn", to_status="active",
                                       user_id=application.user_id))
        return former
    member = Member(user_id=application.user_id, application=application,
                    person_index=application.id_index, org_id=application.org_id,
                    member_no=member_number(application.org, joined_at, application.id),
                    joined_at=joined_at, status="active",
                    **{name: getattr(application, name) for name in PERSON_FIELDS})
    db.session.add(member)
    return member


def transfer_member(member: Member, target: Org, reason: str,
                    admin: Admin | None) -> MemberTransfer:
    """Move a member to another org (会籍转移), keeping the history."""
    if member.status == "withdrawn":
        abort(409, "membership_withdrawn", "该会员已退会，不能办理会籍转移")
    if target.id == member.org_id:
        abort(409, "same_org", "会员已在该组织，无需转移")
    if not target.accepts_members:
        abort(422, "org_not_accepting", f"{target.name}不接收会员，请选择其他组织",
              {"json": {"to_org_id": ["该组织不接收会员"]}})
    source_id = member.org_id
    # Two staff moving one member at once: only the first UPDATE still finds the source.
    moved = db.session.execute(
        update(Member).where(Member.id == member.id, Member.org_id == source_id)
        .values(org_id=target.id, updated_at=clock.now()))
    if moved.rowcount != 1:
        abort(409, "member_changed", "该会员的所属组织刚被修改，请刷新后重试")
    transfer = MemberTransfer(member_id=member.id, from_org_id=source_id, to_org_id=target.id,
                              reason=reason, admin_id=admin.id if admin else None)
    db.session.add(transfer)
    db.session.flush()
    db.session.refresh(member)
    return transfer


def _card_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="member-card")


def card_code_ttl() -> int:
    """Seconds a card's verify code stays valid."""
    return current_app.config["CARD_CODE_TTL_SECONDS"]


def issue_card_code(member: Member) -> str:
    """A signed, expiring code for the card's QR; staff check it with `read_card_code`."""
    return _card_serializer().dumps({"m": member.id})


def read_card_code(code: str) -> Member:
    """The member behind a verify code; 422 when forged or expired, 404 when gone."""
    try:
        data = _card_serializer().loads(code, max_age=card_code_ttl())
        member_id = int(data["m"])
    except SignatureExpired:
        abort(422, "verify_code_expired", "会员码已过期，请会员刷新电子会员卡后重新出示",
              {"json": {"verify_code": ["已过期"]}})
    except (BadSignature, KeyError, TypeError, ValueError):
        abort(422, "verify_code_invalid", "会员码无效，请会员重新出示电子会员卡",
              {"json": {"verify_code": ["无效"]}})
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404, "not_member", "未找到该会员，会籍可能已变更")
    if member.status == "withdrawn":
        abort(404, "membership_withdrawn", "该会员已退会，电子会员卡已停用")
    return member


def member_card(user: User) -> dict:
    """The user's electronic member card with a fresh verify code (404 unless a member)."""
    member = member_of(user)
    if member is None:
        abort(404, "not_member", "您还不是工会会员，扫描工会的入会码即可申请入会")
    if member.status == "withdrawn":
        abort(404, "membership_withdrawn",
              "您已退会，电子会员卡已停用；如需重新入会，请扫描工会的入会码申请")
    return {"member_no": member.member_no, "name": member.name, "status": member.status,
            "org_name": member.org.name, "joined_at": member.joined_at,
            "verify_code": issue_card_code(member),
            "verify_code_expires_in": card_code_ttl()}
