"""Sign-in, sign-out and the account's own password: the API's rules, in forms."""

from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, url_for

from service.console import session as signed_in
from service.console.blueprint import attempt, bp
from service.core import clock
from service.core.proxies import client_address
from service.extensions import db, limiter
from service.identity.accounts import change_own_password
from service.identity.auth import admin_required
from service.identity.login import authenticate
from service.web.limits import login_limit


def _safe_next(target: str | None) -> str:
    """Only a console page of this app (never another site) after signing in."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/console/"):
        return url_for("console.dashboard")
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    """工作台登录"""
    if request.method == "GET":
        return render_template("console/login.html", next=request.args.get("next"))
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    target = request.form.get("next")
    if not username or not password:
        return render_template("console/login.html", next=target,
                               error="请填写用户名和密码", field="username"), 422
    admin, refusal = attempt(authenticate, username, password, client_address())
    if refusal:
        return render_template("console/login.html", next=target, error=refusal.message,
                               field="password"), refusal.status, refusal.headers
    admin.last_login_at = clock.now()
    signed_in.start(admin)
    db.session.commit()
    if admin.must_change_password:
        flash("您的密码是初始密码或已被重置，请先设置新密码", "info")
        return redirect(url_for("console.password"))
    return redirect(_safe_next(target))


@bp.route("/logout", methods=["POST"])
@admin_required(pending_password_ok=True)
def logout():
    """退出登录"""
    signed_in.end()
    db.session.commit()
    flash("您已安全退出", "info")
    return redirect(url_for("console.login"))


@bp.route("/password", methods=["GET", "POST"])
@admin_required(pending_password_ok=True)
def password():
    """修改自己的密码"""
    if request.method == "GET":
        return render_template("console/password.html")
    form = request.form
    if form.get("new_password", "") != form.get("confirm_password", ""):
        return render_template("console/password.html", error="两次输入的新密码不一致",
                               field="confirm_password"), 422
    admin = g.admin
    _, refusal = attempt(change_own_password, admin, form.get("old_password", ""),
                         form.get("new_password", ""), signed_in.session_id())
    if refusal:
        return render_template("console/password.html", error=refusal.message,
                               field=refusal.field), refusal.status
    db.session.commit()
    signed_in.keep_after_password_change(admin)
    flash("密码已修改；其他设备上的登录已全部退出", "success")
    return redirect(url_for("console.dashboard"))
