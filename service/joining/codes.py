"""Making join codes: a random scene, the WeChat image fetched once, counts per channel."""

import secrets
import string

from flask import Response, current_app
from sqlalchemy import func, select, update

from service.extensions import db, wechat
from service.identity.auth import MEMBER, read_claims
from service.joining.applications import find_join_code
from service.joining.membership import org_brief
from service.models.accounts import Admin, User
from service.models.join_codes import JoinCode, JoinCodeEvent
from service.models.members import JoinApplication
from service.models.orgs import Org
from service.web.errors import abort
from service.wechat.limits import SCENE_PATTERN

SCENE_ALPHABET = string.ascii_letters + string.digits
SCENE_LENGTH = 12  # 62**12 ≈ 3e21: not guessable, well inside WeChat's 32 characters
IMAGE_PATH = "/api/v1/admin/join-codes/{id}/image"


def new_scene() -> str:
    """A random scene no code uses yet."""
    while True:
        scene = "".join(secrets.choice(SCENE_ALPHABET) for _ in range(SCENE_LENGTH))
        if db.session.scalar(select(JoinCode.id).where(JoinCode.scene == scene)) is None:
            return scene


def create_join_code(org: Org, label: str, admin: Admin | None) -> JoinCode:
    """Fetch the code image from WeChat, then add the code; WeChat errors leave no row."""
    config = current_app.config
    scene = new_scene()
    page, width = config["WECHAT_CODE_PAGE"], config["WECHAT_CODE_WIDTH"]
    image = wechat.client.wxacode_unlimited(scene, page=page, width=width)
    code = JoinCode(org=org, scene=scene, label=label, page=page, width=width, image=image,
                    enabled=True, scan_count=0, created_by=admin.id if admin else None)
    db.session.add(code)
    db.session.flush()
    return code


def codes_of(org: Org):
    """An org's join codes, newest first (a query to page)."""
    return select(JoinCode).where(JoinCode.org_id == org.id).order_by(JoinCode.id.desc())


def count_scan(code: JoinCode) -> None:
    """One more scan, counted in the database so concurrent scans are not lost, and kept as
    an event (with the account when the mini-program sends its token) for the funnel."""
    db.session.execute(update(JoinCode).where(JoinCode.id == code.id)
                       .values(scan_count=JoinCode.scan_count + 1)
                       .execution_options(synchronize_session=False))
    db.session.add(JoinCodeEvent(join_code_id=code.id, kind="scan", user_id=caller_id()))


def count_login_from_scene(user: User, scene: str | None) -> None:
    """A WeChat sign-in "after a scan": the mini-program, opened from a join code, passes
    the `scene` it was opened with (`query.scene`) to `auth/wechat-login`.

    Counted once per account and code, so the funnel counts people, and an erased
    account's sign-ins still count. An unknown or disabled scene is ignored: signing in
    never fails because of it.
    """
    code = find_join_code(scene) if scene and SCENE_PATTERN.fullmatch(scene) else None
    if code is None or user.id is None:
        return
    seen = db.session.scalar(select(JoinCodeEvent.id).where(
        JoinCodeEvent.join_code_id == code.id, JoinCodeEvent.kind == "login",
        JoinCodeEvent.user_id == user.id).limit(1))
    if seen is None:
        db.session.add(JoinCodeEvent(join_code_id=code.id, kind="login", user_id=user.id))


def describe_codes(codes: list[JoinCode]) -> list[dict]:
    """Codes with their scan, application and join counts (one grouped query)."""
    counts: dict[int, dict[str, int]] = {code.id: {} for code in codes}
    if codes:
        rows = db.session.execute(
            select(JoinApplication.join_code_id, JoinApplication.status, func.count())
            .where(JoinApplication.join_code_id.in_(list(counts)))
            .group_by(JoinApplication.join_code_id, JoinApplication.status))
        for code_id, status, count in rows:
            counts[code_id][status] = count
    return [_describe(code, counts[code.id]) for code in codes]


def _describe(code: JoinCode, by_status: dict[str, int]) -> dict:
    return {"id": code.id, "org_id": code.org_id, "scene": code.scene, "label": code.label,
            "image_url": IMAGE_PATH.format(id=code.id), "page": code.page,
            "enabled": code.enabled, "scan_count": code.scan_count,
            "application_count": sum(by_status.values()),
            "join_count": by_status.get("approved", 0), "created_at": code.created_at}


def caller_id() -> int | None:
    """The signed-in member's account id on a route that needs no token, else None."""
    claims = read_claims()
    if claims is None or claims.kind != MEMBER:
        return None
    user = db.session.get(User, claims.subject)
    if user is None or user.token_version != claims.version or user.erased_at is not None:
        return None
    return user.id


def image_type(image: bytes) -> str:
    """The image's media type by its content (WeChat sends JPEG unless asked for PNG)."""
    return "image/png" if image.startswith(b"\x89PNG") else "image/jpeg"


def image_response(code: JoinCode) -> Response:
    """The code's image as WeChat made it, from the database, for the browser to show."""
    mimetype = image_type(code.image)
    response = Response(code.image, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, max-age=86400"
    extension = mimetype.removeprefix("image/").replace("jpeg", "jpg")
    response.headers["Content-Disposition"] = f'inline; filename="{code.scene}.{extension}"'
    return response


def scan_scene(scene: str) -> dict:
    """What a scanned join code leads to, the scan counted (404 for an unknown scene)."""
    code = find_join_code(scene) if SCENE_PATTERN.fullmatch(scene) else None
    if code is None:
        abort(404, "scene_not_found", "入会码无效或已停用，请向工会工作人员获取新的入会码")
    body = {"scene": code.scene, "label": code.label, "org": org_brief(code.org),
            "accepts_members": code.org.accepts_members}
    count_scan(code)
    return body
