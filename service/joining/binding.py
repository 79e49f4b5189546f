"""One account, one person: the first ID number an account applies with is bound to it."""

from sqlalchemy import select

from service.core.pii import blind_index
from service.extensions import db
from service.models.accounts import User
from service.models.members import JoinApplication, Member
from service.web.errors import abort

BOUND_ELSEWHERE = ("当前微信账号已绑定其他身份证号码，一个微信账号只能为本人申请入会；"
                   "如绑定有误，请携带身份证件联系工会工作人员解除绑定")


def refuse_other_person(user: User, person_indexes: list[str]) -> None:
    """409 when the account is bound to another ID number than the one whose blind index
    (under every configured key) is `person_indexes`."""
    if user.id_number_index is not None and user.id_number_index not in person_indexes:
        abort(409, "account_bound_to_other_person", BOUND_ELSEWHERE)


def bind(user: User, id_number: str, person_index: str) -> None:
    """Bind the account to the person, if it is not bound yet."""
    if user.id_number_index is None:
        user.id_number = id_number
        user.id_number_index = person_index


def rebind(user: User, id_number: str) -> None:
    """Bind the account to `id_number`, whatever it was bound to (a dispute moved to it)."""
    user.id_number = id_number
    user.id_number_index = blind_index("id_number", id_number)


def unbind(user: User) -> None:
    """Free the account from its person (no live membership or application may need it)."""
    user.id_number = None
    user.id_number_index = None


def unbind_for(application: JoinApplication) -> User:
    """Staff unbind the applicant's account from the person of `application`.

    Refused while the account is bound to another person, or still holds a membership, a
    pending application or an open claim: those go through review, transfer or a dispute.
    """
    user = application.user
    if user.id_number_index != application.id_index:
        abort(409, "account_not_bound", "申请人的微信账号未绑定此申请的身份证号码，无需解除")
    member = db.session.scalar(select(Member.id).where(Member.user_id == user.id))
    live = db.session.scalar(
        select(JoinApplication.id).where(JoinApplication.user_id == user.id,
                                         JoinApplication.status.in_(("pending", "disputed")))
        .limit(1))
    if member is not None or live is not None:
        abort(409, "account_in_use", "该微信账号仍有会籍、待审核申请或待核实申请，"
              "请先处理后再解除绑定")
    unbind(user)
    return user
