"""Joining by QR code: where an application goes, one live application per person, review."""

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from service.core import clock
from service.core.pii import blind_index, blind_indexes
from service.core.workdays import due_on as working_days_after
from service.domain.idcard import parse_id_number
from service.domain.phone import normalize_mobile
from service.extensions import db
from service.joining.binding import bind, refuse_other_person
from service.joining.disputes import CLAIM_PENDING, open_dispute
from service.joining.membership import make_member
from service.joining.privacy import require_consent
from service.models.accounts import Admin, User
from service.models.join_codes import JoinCode
from service.models.members import JoinApplication, Member
from service.models.orgs import Org
from service.models.outbox import enqueue
from service.web.errors import abort

OPTIONAL_FIELDS = ("employer", "household_type", "ethnicity", "political_status", "education",
                   "residence_district_code")
APPROVED_REMARK = "欢迎入会，可在小程序查看电子会员卡"


def due_date(org: Org, submitted_at) -> tuple:
    """(due date, estimated) of an item `org` answers, submitted at `submitted_at`."""
    return working_days_after(submitted_at, org.review_working_days or 15)


def find_join_code(scene: str) -> JoinCode | None:
    """The enabled join code for a scene, with its org."""
    return db.session.scalar(select(JoinCode).options(joinedload(JoinCode.org))
                             .where(JoinCode.scene == scene, JoinCode.enabled.is_(True)))


def join_target(data: dict) -> tuple[Org, JoinCode | None]:
    if data.get("scene"):
        code = find_join_code(data["scene"])
        if code is None:
            abort(422, "scene_not_found", "入会码无效或已停用，请重新扫描工会提供的入会码",
                  {"json": {"scene": ["入会码无效或已停用"]}})
        if data.get("org_id") not in (None, code.org_id):
            abort(422, "org_mismatch", "所选组织与入会码不一致，请重新扫码后提交",
                  {"json": {"org_id": ["与入会码不一致"]}})
        return code.org, code
    org = db.session.get(Org, data["org_id"])
    if org is None:
        abort(422, "org_not_found", "要加入的工会组织不存在，请重新选择",
              {"json": {"org_id": ["组织不存在"]}})
    return org, None


def refuse_duplicates(user: User, person_indexes: list[str], org: Org) -> JoinApplication | None:
    """409 when the account is a member or has a live application already; else the live
    application of another account that holds the person (a claim on it is a dispute).
    `person_indexes`: the person's blind index under every configured key.

    The checks read only the columns they decide on (a sign-up hall's every submission
    passes them); the rows themselves are loaded only for an answer that needs them."""
    member = db.session.execute(
        select(Member.status, Member.person_index, Member.org_id)
        .where(Member.user_id == user.id)).first()
    if member is not None and member.status != "withdrawn":  # a withdrawn one may rejoin
        if member.person_index not in person_indexes:
            abort(409, "already_member", "当前微信账号已办理入会，一个微信账号只能绑定一名会员")
        member_org = db.session.get(Org, member.org_id)
        if member.org_id == org.id:
            abort(409, "already_member", f"您已是{member_org.name}会员，无需重复申请")
        abort(409, "already_member",
              f"您已是{member_org.name}会员，一人只能加入一个工会；如需转入{org.name}，"
              "请联系工会工作人员办理会籍转移")
    holder = db.session.execute(
        select(JoinApplication.id, JoinApplication.user_id)
        .where(JoinApplication.active_person_index.in_(person_indexes))).first()
    own = db.session.scalar(
        select(JoinApplication.status)
        .where(JoinApplication.user_id == user.id,
               JoinApplication.status.in_(("pending", "disputed"))).limit(1))
    if own == "disputed":
        abort(409, "claim_pending", CLAIM_PENDING)
    if own is not None or (holder is not None and holder.user_id == user.id):
        abort(409, "application_pending", "已有一份入会申请正在审核中，请耐心等待审核结果")
    return db.session.get(JoinApplication, holder.id) if holder is not None else None


def phone_verified(user: User, phone: str) -> bool:
    """Whether `phone` is the number WeChat verified for the account (`POST /me/phone`)."""
    return user.phone_index is not None and user.phone_index in blind_indexes("phone", phone)


def submit_application(user: User, data: dict) -> tuple[JoinApplication, Member | None]:
    """Validate and add an application.

    An auto-approving org makes the member at once, but only when the phone given is the
    account's WeChat-verified one. When another account holds the person, the application
    is kept as a dispute for the holding org's staff.
    """
    consent_version = require_consent(data.get("consent_version"))
    identity = parse_id_number(data["id_number"], clock.today_shanghai())
    phone = normalize_mobile(data["phone"])
    org, join_code = join_target(data)
    if not org.accepts_members:
        abort(403, "org_not_accepting", f"{org.name}暂不接收入会申请，请选择其他工会组织")
    people = blind_indexes("id_number", identity.number)  # stored under the first
    person = people[0]
    refuse_other_person(user, people)
    for _ in range(2):
        holder = refuse_duplicates(user, people, org)
        if holder is not None:
            status = "disputed"
        else:
            status = "approved" if org.auto_approve and phone_verified(user, phone) else "pending"
        now = clock.now()
        due, estimated = (None, False) if status == "approved" else due_date(org, now)
        application = JoinApplication(
            user_id=user.id, org=org, join_code=join_code, name=data["name"],
            id_number=identity.number, id_index=person,
            active_person_index=None if holder else person,
            gender=identity.gender, birth_date=identity.birth_date, phone=phone,
            phone_index=blind_index("phone", phone), occupation=data["occupation"],
            status=status, reviewed_at=now if status == "approved" else None, created_at=now,
            due_on=due, due_on_estimated=estimated, member=None,
            consent_version=consent_version, **{name: data.get(name) for name in OPTIONAL_FIELDS})
        db.session.add(application)
        bind(user, identity.number, person)
        member = None
        try:
            db.session.flush()  # the unique live-application index decides a race here
            if status == "approved":
                member = make_member(application, now)
            elif holder is not None:
                open_dispute(application, holder)
            db.session.flush()
        except IntegrityError:
            db.session.rollback()  # the next round sees the row that won the race
            continue
        return application, member
    abort(409, "application_pending", "已有一份入会申请正在处理中，请稍后查看结果")


def _decide(application: JoinApplication, admin: Admin, **values) -> None:
    # Two reviewers at once: only the UPDATE that still finds it pending wins.
    result = db.session.execute(
        update(JoinApplication)
        .where(JoinApplication.id == application.id, JoinApplication.status == "pending")
        .values(reviewed_by=admin.id, reviewed_at=clock.now(), **values))
    if result.rowcount != 1:
        abort(409, "application_not_pending", "该申请已被处理，请刷新后查看最新状态")
    db.session.refresh(application)


def approve(application: JoinApplication, admin: Admin) -> Member:
    """Approve a pending application: the member gets a number and a message is queued."""
    _decide(application, admin, status="approved")
    member = make_member(application, application.reviewed_at)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        abort(409, "already_member", "申请人已是会员或微信账号已绑定其他会员，请驳回此申请")
    notify_join_result(application, approved=True)
    return member


def reject(application: JoinApplication, admin: Admin, reason: str) -> None:
    """Reject a pending application; the person may apply again."""
    _decide(application, admin, status="rejected", reject_reason=reason,
            active_person_index=None)
    notify_join_result(application, approved=False)


def notify_join_result(application: JoinApplication, approved: bool) -> None:
    """Queue the subscribe message with the review result (sent by the worker)."""
    config = current_app.config
    reviewed = application.reviewed_at.astimezone(clock.SHANGHAI)
    enqueue(application.user_id, config["WECHAT_TPL_JOIN_RESULT"], {
        "thing1": application.org.name,
        "phrase2": "通过" if approved else "未通过",
        "thing3": APPROVED_REMARK if approved else application.reject_reason,
        "time4": f"{reviewed:%Y-%m-%d %H:%M}",
    }, page=f"{config['WECHAT_CODE_PAGE']}?application_id={application.id}")
