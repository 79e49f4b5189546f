"""Mini-program users: signing in with WeChat, binding a phone, how the user is shown."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.core import clock
from service.core.pii import blind_index
from service.domain.masking import mask_phone
from service.domain.phone import normalize_mobile
from service.extensions import db, wechat
from service.models.accounts import User
from service.web.errors import abort
from service.web.limits import count_wechat_account_login
from service.wechat import InvalidCode


def sign_in(code: str, scene: str | None = None) -> tuple[User, bool]:
    """The user behind a wx.login code, made on first sign-in (401 for a bad code), and
    whether it was made now.

    `scene`: the join code the mini-program was opened from, counted for its funnel.
    """
    from service.joining.codes import count_login_from_scene

    try:
        session = wechat.client.code2session(code)
    except InvalidCode:
        abort(401, "wechat_code_invalid", "微信登录凭证无效或已过期，请重新登录")
    count_wechat_account_login(session["openid"])
    now = clock.now()
    user, created = _user_for_openid(session["openid"], session.get("unionid"), now)
    user.last_login_at = now  # a new user is inserted with it: no second write
    db.session.flush()
    count_login_from_scene(user, scene)
    return user, created


def _user_for_openid(openid: str, unionid: str | None, now) -> tuple[User, bool]:
    user = db.session.scalar(select(User).where(User.openid == openid))
    if user is None:
        try:
            with db.session.begin_nested():
                user = User(openid=openid, unionid=unionid, last_login_at=now)
                db.session.add(user)
            return user, True
        except IntegrityError:  # the same user logging in twice at once
            user = db.session.scalar(select(User).where(User.openid == openid))
    return user, False


def bind_phone(user: User, code: str, field: str = "code") -> str:
    """Bind the phone number of a getPhoneNumber code; the number, masked (422 for a bad code,
    naming `field`)."""
    try:
        info = wechat.client.phone_number(code)
    except InvalidCode:
        abort(422, "phone_code_invalid", "获取手机号的凭证无效或已过期，请重新授权",
              {"json": {field: ["凭证无效或已过期"]}})
    phone = normalize_mobile(info["pure_phone_number"])
    user.phone = phone
    user.phone_index = blind_index("phone", phone)
    return mask_phone(phone)


def describe(user: User, *, new: bool = False) -> dict:
    """The user as the mini-program sees it; other features add to `membership`.

    `new`: the account was made in this transaction, so nothing can hold it yet (no read)."""
    from service.joining.membership import membership_of

    membership = None if new else membership_of(user)
    return {"id": user.id, "phone": mask_phone(user.phone), "membership": membership,
            "is_member": membership is not None, "phone_bound": user.phone is not None}
