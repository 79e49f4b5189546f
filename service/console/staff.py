"""人员: an org_admin's staff accounts inside its subtree: create, roles, reset, disable."""

from flask import flash, g, render_template, request

from service.api.identity.account_schemas import AccountCreateSchema, AccountUpdateSchema
from service.console.blueprint import attempt, bp, check_form
from service.console.filters import orgs_in_scope, page_args
from service.extensions import db
from service.identity import accounts
from service.identity.auth import admin_required, get_scoped
from service.models.accounts import ROLES, Admin
from service.models.orgs import Org
from service.web.pages import paginate

ROLE_NAMES = {"org_admin": "组织管理员", "member_reviewer": "入会审核员",
              "station_manager": "站点管理员", "refund_reviewer": "经费返还审核员",
              "finance": "财务人员"}


def _staff_page(status=200, **extra):
    q = request.args.get("q", "").strip()[:64] or None
    query = accounts.account_query(g.admin, q=q)
    page = paginate(query, page_args(request.args))
    return render_template("console/staff.html", page=page, values=request.args,
                           orgs=orgs_in_scope(), roles=ROLE_NAMES, **extra), status, \
        {"Cache-Control": "no-store"}


@bp.route("/staff")
@admin_required("org_admin")
def staff():
    """所辖范围内的工作人员账号"""
    return _staff_page()


@bp.route("/staff/new", methods=["POST"])
@admin_required("org_admin")
def staff_create():
    """在所辖范围内创建工作人员账号"""
    form = request.form
    org_id = form.get("org_id", "")
    data, refusal = check_form(AccountCreateSchema, {
        "username": form.get("username", "").strip(),
        "display_name": form.get("display_name", "").strip(),
        "org_id": int(org_id) if org_id.isdigit() else org_id,
        "roles": [r for r in form.getlist("roles") if r in ROLES]})
    if refusal is None:
        org, refusal = attempt(get_scoped, Org, data["org_id"], write=True, noun="组织")
    if refusal is None:
        created, refusal = attempt(accounts.create_account, g.admin, data["username"], org,
                                   data["roles"], display_name=data["display_name"])
    if refusal:
        return _staff_page(refusal.status, error=refusal.message, field=refusal.field,
                           creating=True)
    account, initial = created
    db.session.commit()
    return _staff_page(shown_password=(account.username, initial))


@bp.route("/staff/<int:account_id>", methods=["POST"])
@admin_required("org_admin")
def staff_update(account_id):
    """修改账号的角色或启用状态，或重置密码"""
    account = get_scoped(Admin, account_id, write=True, noun="账号")
    action = request.form.get("action", "")
    if action == "reset":
        initial, refusal = attempt(accounts.reset_password, g.admin, account)
        if refusal is None:
            db.session.commit()
            return _staff_page(shown_password=(account.username, initial))
    else:
        if action == "roles":
            change = {"roles": [r for r in request.form.getlist("roles") if r in ROLES]}
        elif action in ("disable", "enable"):
            change = {"is_active": action == "enable"}
        else:
            change = {}
        data, refusal = check_form(AccountUpdateSchema, change)
        if refusal is None and not data:
            flash("请选择要进行的操作", "error")
        elif refusal is None:
            _, refusal = attempt(accounts.update_account, g.admin, account, data)
        if refusal is None:
            db.session.commit()
            flash(f"已保存账号 {account.username} 的修改", "success")
            return _staff_page()
    return _staff_page(refusal.status, error=f"账号 {account.username}：{refusal.message}",
                       field=f"roles-{account_id}")
