"""Everything held about a person, for them to see and download (PIPL art. 45).

The caller's own ID number, phone and bank accounts are shown in full, so the export is a
full read and audited as one. Nothing of another person appears: staff are named by their
role label only, a claim does not say which account held the enterprise or ID number.
"""

from sqlalchemy import select

from service.core import clock
from service.domain.masking import mask_phone
from service.extensions import db
from service.identity.audit import record
from service.joining.membership import org_brief
from service.models.accounts import User
from service.models.disputes import JoinDispute
from service.models.join_codes import JoinCodeEvent
from service.models.members import JoinApplication, Member, MemberTransfer, PersonDetails
from service.models.refund_applications import RefundApplication
from service.models.refunds import Enterprise, EnterpriseClaim
from service.models.station_feedback import StationFeedback
from service.web.errors import abort

PERSON_FIELDS = tuple(PersonDetails.__annotations__)
FULL_FIELDS = ["id_number", "phone", "bank_account_no", "contact_phone"]


def _person(row) -> dict:
    return {name: getattr(row, name) for name in PERSON_FIELDS}


def _all(query) -> list:
    return list(db.session.scalars(query))


def export_personal_data(user: User) -> dict:
    """The caller's data as one JSON document (times in ISO 8601); audited as a full read
    of their own data."""
    record("personal_data.export", object_type="user", object_id=user.id,
           detail={"fields": FULL_FIELDS})
    member = db.session.scalar(select(Member).where(Member.user_id == user.id))
    return as_json({
        "exported_at": clock.now(),
        "account": {"id": user.id, "phone": user.phone, "id_number": user.id_number,
                    "created_at": user.created_at, "last_login_at": user.last_login_at},
        "applications": [_application(a) for a in _all(
            select(JoinApplication).where(JoinApplication.user_id == user.id)
            .order_by(JoinApplication.id))],
        "membership": _membership(member),
        "transfers": [] if member is None else [_transfer(t) for t in _all(
            select(MemberTransfer).where(MemberTransfer.member_id == member.id)
            .order_by(MemberTransfer.id))],
        "join_code_visits": [{"kind": e.kind, "at": e.at} for e in _all(
            select(JoinCodeEvent).where(JoinCodeEvent.user_id == user.id)
            .order_by(JoinCodeEvent.id))],
        "station_feedback": [_feedback(f) for f in _all(
            select(StationFeedback).where(StationFeedback.user_id == user.id)
            .order_by(StationFeedback.id))],
        "enterprises": [_enterprise(e) for e in _all(
            select(Enterprise).where(Enterprise.user_id == user.id).order_by(Enterprise.id))],
        "refund_applications": [_refund(r) for r in _all(
            select(RefundApplication).where(RefundApplication.user_id == user.id)
            .order_by(RefundApplication.id))],
        "disputes": [_dispute(d) for d in _all(
            select(JoinDispute).join(JoinDispute.application)
            .where(JoinApplication.user_id == user.id).order_by(JoinDispute.id))],
        "enterprise_claims": [_claim(c) for c in _all(
            select(EnterpriseClaim).where(EnterpriseClaim.user_id == user.id)
            .order_by(EnterpriseClaim.id))],
    })


def _application(a: JoinApplication) -> dict:
    history = [{"at": a.created_at, "status": "submitted"}]
    if a.reviewed_at is not None:
        history.append({"at": a.reviewed_at, "status": a.status})
    return {"id": a.id, "status": a.status, "org": org_brief(a.org),
            "join_code": a.join_code.label if a.join_code else None, **_person(a),
            "consent_version": a.consent_version, "reject_reason": a.reject_reason,
            "member_no": a.member_no, "created_at": a.created_at, "reviewed_at": a.reviewed_at,
            "history": history}


def _membership(m: Member | None) -> dict | None:
    if m is None:
        return None
    return {"member_no": m.member_no, "status": m.status, "org": org_brief(m.org),
            "joined_at": m.joined_at, **_person(m)}


def _transfer(t: MemberTransfer) -> dict:
    return {"from_org": org_brief(t.from_org), "to_org": org_brief(t.to_org),
            "reason": t.reason, "at": t.at}


def _feedback(f: StationFeedback) -> dict:
    return {"id": f.id, "station": {"id": f.station.id, "name": f.station.name},
            "type": f.type, "content": f.content, "status": f.status,
            "created_at": f.created_at, "resolved_at": f.resolved_at,
            "resolution_note": f.resolution_note}


ENTERPRISE_FIELDS = ("id", "name", "uscc", "industry", "employees", "revenue_wan", "assets_wan",
                     "size_class", "district_code", "union_name", "union_uscc",
                     "union_established_on", "bank_account_name", "bank_name",
                     "bank_account_no", "contact_name", "contact_phone", "created_at")


def _enterprise(e: Enterprise) -> dict:
    values = {name: getattr(e, name) for name in ENTERPRISE_FIELDS}
    for name in ("revenue_wan", "assets_wan"):
        values[name] = None if values[name] is None else str(values[name])
    return values


def _refund(r: RefundApplication) -> dict:
    return {"id": r.id, "enterprise_id": r.enterprise_id, "year": r.year,
            "paid_fen": r.paid_fen, "refundable_fen": r.refundable_fen, "status": r.status,
            "payout_fen": r.payout_fen, "payout_on": r.payout_on, "created_at": r.created_at,
            "history": [{"at": h.at, "from_status": h.from_status, "to_status": h.to_status,
                         "by": h.actor_name, "note": h.note} for h in r.history],
            "attachments": [{"kind": f.kind, "original_name": f.original_name,
                             "size_bytes": f.size_bytes, "created_at": f.created_at}
                            for f in r.attachments]}


def _dispute(d: JoinDispute) -> dict:
    return {"application_id": d.application_id, "status": d.status,
            "created_at": d.created_at, "resolved_at": d.resolved_at}


def _claim(c: EnterpriseClaim) -> dict:
    return {"id": c.id, "uscc": c.enterprise.uscc, "status": c.status, "note": c.note,
            "created_at": c.created_at, "decided_at": c.decided_at,
            "decision_note": c.decision_note}


def as_json(value):
    """Dates and times as ISO 8601 (with offset), recursively, for the download."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def correct_profile(user: User, data: dict) -> dict:
    """Correct the phone (through a WeChat getPhoneNumber code) and the employer.

    The change lands on the account, the membership and any application still under review;
    decided applications keep what was decided on. 409 when there is nothing to correct.
    """
    from service.identity.users import bind_phone

    member = db.session.scalar(select(Member).where(Member.user_id == user.id))
    pending = _all(select(JoinApplication).where(
        JoinApplication.user_id == user.id, JoinApplication.status.in_(("pending", "disputed"))))
    rows = ([member] if member is not None else []) + pending
    if "employer" in data and not rows:
        abort(409, "nothing_to_correct", "您还没有会籍或待审核的入会申请，无需更正工作单位",
              {"json": {"employer": ["没有可更正的记录"]}})
    changed = []
    if data.get("phone_code"):
        bind_phone(user, data["phone_code"], "phone_code")
        for row in rows:
            row.phone, row.phone_index = user.phone, user.phone_index
        changed.append("phone")
    if "employer" in data:
        for row in rows:
            row.employer = data["employer"]
        changed.append("employer")
    record("personal_data.correct", object_type="user", object_id=user.id,
           detail={"fields": changed})
    return {"phone": mask_phone(user.phone),
            "employer": rows[0].employer if rows else None}
