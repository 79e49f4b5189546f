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
        """Staff accounts of the caller's subtree (or of `org_id`'s, inside it)."""
        org = get_scoped(Org, args["org_id"]) if "org_id" in args else None
        return paginate(accounts.account_query(current_admin(), org=org, q=args.get("q"),
                                               active=args.get("active")), args)

    @admin_required("org_admin")
    @blp.arguments(AccountCreateSchema)
    @blp.response(201, AccountCreatedSchema)
    def post(self, data):
        """Create a staff account in the subtree; its one-time password is shown only here."""
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
        """Change name, roles or active state; roles or disabling end the account's sessions."""
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
        """A one-time password, to be changed at the next sign-in; ends every session."""
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
        """Change the caller's password; every other session of the account ends."""
        accounts.change_own_password(current_admin(pending_password_ok=True),
                                     data["old_password"], data["new_password"],
                                     read_claims().session)
        db.session.commit()


@blp.route("/me/logout-all")
class LogOutEverywhere(MethodView):
    @member_required
    @blp.response(204)
    def post(self):
        """End every token of the caller's account, this one included."""
        accounts.log_out_everywhere(current_user())
        db.session.commit()
