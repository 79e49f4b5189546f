"""Staff accounts and sessions: create, roles, reset, disable, own password, log out everywhere.

The API views, the CLI and the staff console all call these; none holds a rule of its own.
Ending sessions bumps `token_version`, which every token carries (service/identity/auth.py).
"""

import re
import secrets

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from service.core import clock
from service.domain.errors import RuleViolation
from service.extensions import db
from service.identity import audit
from service.identity.auth import has_role, in_scope
from service.models.accounts import ROLES, Admin, ConsoleSession, User
from service.models.orgs import Org, subtree_ids
from service.web.errors import abort

PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_CLASSES = 10, 128, 3
# Lower case only, so uniqueness means the same on SQLite and on MariaDB's _ci collation.
USERNAME = re.compile(r"[a-z][a-z0-9_.-]{2,63}")
_CLASSES = (str.isupper, str.islower, str.isdigit)


def _is_symbol(char: str) -> bool:
    return not (char.isascii() and char.isalnum())


def password_problem(password: str, username: str) -> str | None:
    """Why `password` is too weak for `username`, in Chinese, or None when it is strong."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"密码至少需要{PASSWORD_MIN_LENGTH}个字符"
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"密码不能超过{PASSWORD_MAX_LENGTH}个字符"
    ascii_chars = [c for c in password if c.isascii()]
    classes = sum(any(test(c) for c in ascii_chars) for test in _CLASSES)
    classes += any(_is_symbol(c) for c in password)
    if classes < PASSWORD_MIN_CLASSES:
        return "密码需包含大写字母、小写字母、数字、符号中的至少3类"
    if password.casefold() == username.casefold():
        return "密码不能与用户名相同"
    return None


def check_password_strength(password: str, username: str, field: str = "new_password") -> None:
    """422 `password_weak` naming `field` unless the password is strong enough."""
    problem = password_problem(password, username)
    if problem:
        raise RuleViolation("password_weak", problem, field)


def generate_password() -> str:
    """A random one-time password that passes the strength rule."""
    while True:
        candidate = secrets.token_urlsafe(12)
        if password_problem(candidate, "") is None:
            return candidate


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def new_account(username: str, org: Org, roles, password: str, *,
                display_name: str | None = None, must_change: bool = False) -> Admin:
    """Add the row of a staff account, no questions asked (seed data, rules below)."""
    account = Admin(username=username, org=org, display_name=display_name,
                    password_hash=hash_password(password), must_change_password=must_change)
    account.roles = roles
    db.session.add(account)
    return account


def end_sessions(account: Admin | User) -> None:
    """Every token of the account stops working (one UPDATE, safe against a concurrent bump)."""
    account.token_version = type(account).token_version + 1
    if isinstance(account, Admin):
        account.kept_session = None


def _refuse_ungrantable(actor: Admin | None, roles, message: str) -> None:
    missing = [r for r in roles if actor is not None and not has_role(actor, r)]
    if missing:
        abort(403, "role_not_grantable", f"{message}：{'、'.join(missing)}")


def check_manageable(actor: Admin, account: Admin) -> None:
    """403 unless `actor` may manage `account`: in its subtree, not itself, no role it lacks."""
    if account.id == actor.id:
        abort(403, "own_account", "不能在账号管理中修改自己的账号，修改密码请使用“修改密码”")
    if not in_scope(account.org, actor):
        abort(403, "out_of_scope", "该账号不在您所属组织的管辖范围内")
    _refuse_ungrantable(actor, account.roles, "该账号拥有您没有的角色，不能管理")


def check_username(username: str) -> None:
    """422 for a malformed username, 409 when it is taken (case-insensitively)."""
    if not USERNAME.fullmatch(username):
        raise RuleViolation("username_invalid", "用户名须以小写字母开头，只含小写字母、数字和_.-，"
                            "长度3到64", "username")
    if db.session.scalar(select(Admin.id).where(func.lower(Admin.username) == username)):
        abort(409, "username_taken", f"用户名{username}已被使用")


def create_account(actor: Admin | None, username: str, org: Org, roles, *,
                   display_name: str | None = None,
                   password: str | None = None) -> tuple[Admin, str | None]:
    """A new staff account and its generated one-time password (None when one was given).

    `actor` None is the operator's CLI, which may grant any role anywhere.
    """
    if actor is not None and not in_scope(org, actor):
        abort(403, "out_of_scope", "该组织不在您所属组织的管辖范围内")
    _refuse_ungrantable(actor, roles, "不能授予您自己没有的角色")
    check_username(username)
    if password is not None:
        check_password_strength(password, username, "password")
    initial = generate_password() if password is None else None
    try:
        with db.session.begin_nested():
            account = new_account(username, org, roles, password or initial,
                                  display_name=display_name, must_change=initial is not None)
    except IntegrityError:  # the same name created twice at once
        abort(409, "username_taken", f"用户名{username}已被使用")
    audit.record("account.create", object_type="admin", object_id=account.id, org_id=org.id,
                 detail={"username": username, "roles": account.roles})
    return account, initial


def update_account(actor: Admin, account: Admin, changes: dict) -> Admin:
    """Change display name, roles or active state; a role change or disabling ends sessions."""
    check_manageable(actor, account)
    detail = {"fields": sorted(changes)}
    if "display_name" in changes:
        account.display_name = changes["display_name"]
    if "roles" in changes and set(changes["roles"]) != set(account.roles):
        _refuse_ungrantable(actor, changes["roles"], "不能授予您自己没有的角色")
        detail.update(roles_before=account.roles, roles_after=[
            r for r in ROLES if r in changes["roles"]])
        account.roles = changes["roles"]
        end_sessions(account)
    if "is_active" in changes and changes["is_active"] != account.is_active:
        account.is_active = changes["is_active"]
        detail["is_active"] = account.is_active
        if not account.is_active:
            end_sessions(account)
    audit.record("account.update", object_type="admin", object_id=account.id,
                 org_id=account.org_id, detail=detail)
    return account


def reset_password(actor: Admin, account: Admin) -> str:
    """A new one-time password, to be changed at the next sign-in; ends every session."""
    check_manageable(actor, account)
    initial = generate_password()
    account.password_hash = hash_password(initial)
    account.must_change_password = True
    end_sessions(account)
    audit.record("account.password_reset", object_type="admin", object_id=account.id,
                 org_id=account.org_id)
    return initial


def change_own_password(account: Admin, old: str, new: str, session: str | None) -> None:
    """The account's own change: every other session ends, `session` (the caller's) stays."""
    if not check_password_hash(account.password_hash, old):
        raise RuleViolation("old_password_wrong", "原密码不正确", "old_password")
    check_password_strength(new, account.username)
    if new == old:
        raise RuleViolation("password_weak", "新密码不能与原密码相同", "new_password")
    account.password_hash = hash_password(new)
    account.must_change_password = False
    end_sessions(account)
    account.kept_session = session
    audit.record("account.password_change", object_type="admin", object_id=account.id,
                 org_id=account.org_id)


def log_out_everywhere(user: User) -> None:
    """A member ends every token of the account, this one included."""
    end_sessions(user)
    audit.record("member.logout_all", object_type="user", object_id=user.id)


def account_query(actor: Admin, *, org: Org | None = None, q: str | None = None,
                  active: bool | None = None):
    """Staff accounts of `org`'s subtree (the actor's own by default), oldest first."""
    query = select(Admin).where(Admin.org_id.in_(subtree_ids(org or actor.org)))
    if q:
        query = query.where(or_(Admin.username.contains(q, autoescape=True),
                                Admin.display_name.contains(q, autoescape=True)))
    if active is not None:
        query = query.where(Admin.is_active == active)
    return query.order_by(Admin.id)


def open_console_session(account: Admin) -> str:
    """A new console sign-in of `account`; its id, which the console's cookie carries."""
    session_id = secrets.token_hex(16)
    db.session.add(ConsoleSession(id=session_id, admin_id=account.id))
    return session_id


def console_session_open(session_id: str | None, account: Admin) -> bool:
    """Whether the console sign-in `session_id` is `account`'s and not signed out."""
    row = db.session.get(ConsoleSession, session_id) if session_id else None
    return row is not None and row.admin_id == account.id and row.ended_at is None


def close_console_session(session_id: str | None) -> None:
    """Sign the console session out: its cookie, wherever copied, stops working."""
    row = db.session.get(ConsoleSession, session_id) if session_id else None
    if row is not None and row.ended_at is None:
        row.ended_at = clock.now()
