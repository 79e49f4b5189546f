"""Staff accounts (org_admin, own subtree), the own password, and members' log-out-all."""

from flask.views import MethodView

from service.api.common import envelope
from service.api.identity.account_schemas import (
    AccountCreatedSchema,
    AccountCreateSchema,
    AccountQuerySchema,
    AccountSchema,
    AccountUpdateSchema,
    InitialPasswordSchema,
    PasswordChangeSchema,
)
from service.extensions import db, limiter
from service.identity import accounts
from service.identity.auth import (
    admin_required,
    current_admin,
    current_user,
    get_scoped,
    member_required,
    read_claims,
)
from service.models.accounts import Admin
from service.models.orgs import Org
from service.web.blueprint import Blueprint, errors
from service.web.limits import login_limit, submitter_key
from service.web.pages import paginate

blp = Blueprint("accounts", __name__, description="工作人员账号与登录会话")


@blp.route("/admin/accounts")
class Accounts(MethodView):
    @admin_required("org_admin")
    @blp.arguments(AccountQuerySchema, location="query")
    @blp.response(200, envelope(AccountSchema))
    def get(self, args):
        """列出所辖范围内的工作人员账号

        范围为调用者所辖的组织树；传 `org_id` 时只列该组织（须在所辖范围内）的账号。
        """
        org = get_scoped(Org, args["org_id"]) if "org_id" in args else None
        return paginate(accounts.account_query(current_admin(), org=org, q=args.get("q"),
                                               active=args.get("active")), args)

    @admin_required("org_admin")
    @blp.arguments(AccountCreateSchema)
    @blp.response(201, AccountCreatedSchema)
    def post(self, data):
        """在所辖范围内创建工作人员账号

        账号的一次性密码只在本次应答中显示。
        """
        org = get_scoped(Org, data["org_id"], write=True)
        account, initial = accounts.create_account(
            current_admin(), data["username"], org, data["roles"],
            display_name=data["display_name"])
        db.session.commit()
        shown = {name: getattr(account, name) for name in AccountSchema._declared_fields}
        return {**shown, "initial_password": initial}


@blp.route("/admin/accounts/<int:account_id>")
class AccountDetail(MethodView):
    @admin_required("org_admin")
    @blp.arguments(AccountUpdateSchema)
    @blp.response(200, AccountSchema)
    @errors(404, 409)
    def patch(self, data, account_id):
        """修改账号的姓名、角色或启用状态

        修改角色或停用账号时，该账号的所有登录会话随即失效。
        """
        account = get_scoped(Admin, account_id, write=True)
        accounts.update_account(current_admin(), account, data)
        db.session.commit()
        return account


@blp.route("/admin/accounts/<int:account_id>/reset-password")
class AccountPasswordReset(MethodView):
    @admin_required("org_admin")
    @blp.response(200, InitialPasswordSchema)
    @errors(404)
    def post(self, account_id):
        """将账号密码重置为一次性密码

        该密码须在下次登录时修改；账号的所有登录会话随即失效。
        """
        account = get_scoped(Admin, account_id, write=True)
        initial = accounts.reset_password(current_admin(), account)
        db.session.commit()
        return {"initial_password": initial}


@blp.route("/admin/auth/password")
class OwnPassword(MethodView):
    decorators = [limiter.limit(login_limit, key_func=submitter_key)]

    @admin_required(pending_password_ok=True)
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    def post(self, data):
        """修改本人密码

        除当前会话外，该账号的其他登录会话全部失效。
        """
        accounts.change_own_password(current_admin(pending_password_ok=True),
                                     data["old_password"], data["new_password"],
                                     read_claims().session)
        db.session.commit()


@blp.route("/me/logout-all")
class LogOutEverywhere(MethodView):
    @member_required
    @blp.response(204)
    def post(self):
        """退出所有登录

        使本人账号的全部令牌失效，包括当前这一个。
        """
        accounts.log_out_everywhere(current_user())
        db.session.commit()
