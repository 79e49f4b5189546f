"""The console's signed-in session, kept in Flask's signed cookie.

It holds the account, the `token_version` it signed in at and a session id of its own (a
row of console_sessions, which signing out ends; the one a password change keeps), so a
reset, a role change or disabling the account ends it exactly as it ends bearer tokens.
Unused for CONSOLE_IDLE_MINUTES, or older than ADMIN_TOKEN_TTL_SECONDS, it ends.
"""

from flask import current_app, session

from service.core import clock
from service.extensions import db
from service.identity.accounts import (
    close_console_session,
    console_session_open,
    open_console_session,
)
from service.identity.auth import session_current
from service.models.accounts import Admin

IDLE_MESSAGE = "长时间未操作，已自动退出，请重新登录"
ENDED_MESSAGE = "登录已失效，请重新登录"


def start(admin: Admin) -> None:
    """A fresh session for `admin` (any earlier one, and its CSRF token, dropped); the
    caller commits."""
    session.clear()
    now = int(clock.now().timestamp())
    session.update({"admin_id": admin.id, "version": admin.token_version,
                    "session_id": open_console_session(admin), "signed_in_at": now,
                    "seen_at": now})


def session_id() -> str | None:
    return session.get("session_id")


def keep_after_password_change(admin: Admin) -> None:
    """The session that changed the password stays signed in, at the new version."""
    session["version"] = admin.token_version


def end() -> None:
    """Forget the session here and in the database (the caller commits)."""
    close_console_session(session.get("session_id"))
    session.clear()


def current() -> tuple[Admin | None, str | None]:
    """The signed-in account, or None and why (None when nobody had signed in)."""
    admin_id = session.get("admin_id")
    if admin_id is None:
        return None, None
    now = int(clock.now().timestamp())
    config = current_app.config
    idle = now - int(session.get("seen_at", 0)) > config["CONSOLE_IDLE_MINUTES"] * 60
    old = now - int(session.get("signed_in_at", 0)) > config["ADMIN_TOKEN_TTL_SECONDS"]
    if idle or old:
        end()
        db.session.commit()
        return None, IDLE_MESSAGE if idle else ENDED_MESSAGE
    admin = db.session.get(Admin, admin_id)
    if admin is None or not session_current(admin, int(session.get("version", 0)),
                                            session.get("session_id")) \
            or not console_session_open(session.get("session_id"), admin):
        session.clear()
        return None, ENDED_MESSAGE
    session["seen_at"] = now
    return admin, None
