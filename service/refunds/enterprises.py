"""Registering an enterprise and its grassroots union: the checks and the size class."""

import re

from flask import current_app
from sqlalchemy import func, select

from service.core.clock import today_shanghai
from service.domain.errors import RuleViolation
from service.domain.phone import normalize_mobile
from service.domain.sme import classify
from service.domain.uscc import validate_union_uscc, validate_uscc
from service.extensions import db
from service.identity.orgs import district_federation
from service.models.accounts import User
from service.models.orgs import Org
from service.models.refund_applications import RefundApplication
from service.models.refunds import Enterprise
from service.refunds.applications import reassess
from service.refunds.workflow import EDITABLE
from service.web.errors import abort

FIELDS = ("name", "uscc", "industry", "employees", "revenue_wan", "assets_wan",
          "district_code", "union_name", "union_uscc", "union_established_on",
          "bank_account_name", "bank_name", "bank_account_no", "contact_name", "contact_phone")
_ACCOUNT = re.compile(r"\d{8,32}")
# While staff review or pay, the data they judged must stay as it was.
LOCKED_STATUSES = ("submitted", "approved")
EXISTS_MESSAGE = ("该统一社会信用代码的企业已登记，请勿重复登记；"
                  "如并非本单位登记，可上传营业执照申请认领")


def district_org(district_code: str) -> Org:
    """The district federation routing this district's refunds (the root's child), or 422."""
    org = district_federation(district_code)
    if org is None:
        raise RuleViolation("district_unknown", "该区县尚未开通经费返还申报，请核对所属区县",
                            "district_code")
    return org


def checked(values: dict) -> dict:
    """Validate and normalise a complete set of enterprise fields (RuleViolation on error)."""
    out = dict(values)
    out["uscc"] = validate_uscc(values["uscc"], field="uscc")
    out["union_uscc"] = validate_union_uscc(values["union_uscc"], field="union_uscc")
    if out["union_uscc"] == out["uscc"]:
        raise RuleViolation("union_uscc_same", "工会统一社会信用代码不能与企业的相同",
                            "union_uscc")
    if values["union_established_on"] > today_shanghai():
        raise RuleViolation("union_established_future", "工会成立日期不能晚于今天",
                            "union_established_on")
    if values["bank_account_name"].strip() != values["union_name"].strip():
        # Refunds go to the union's own account, never the company's.
        raise RuleViolation("bank_account_name_mismatch",
                            "开户名称应与工会名称完全一致（经费只能返还到工会账户）",
                            "bank_account_name")
    account = "".join(str(values["bank_account_no"]).split())
    if not _ACCOUNT.fullmatch(account):
        raise RuleViolation("bank_account_invalid", "银行账号应为8到32位数字", "bank_account_no")
    out["bank_account_no"] = account
    out["contact_phone"] = normalize_mobile(values["contact_phone"], field="contact_phone")
    out["size_class"] = classify(values["industry"], values["employees"],
                                 values["revenue_wan"], values.get("assets_wan"))
    out["org"] = district_org(values["district_code"])
    for name in ("name", "union_name", "bank_account_name", "bank_name", "contact_name"):
        out[name] = values[name].strip()
    return out


def refuse_duplicate(uscc: str, enterprise_id: int | None = None) -> None:
    """409 when another registration holds this credit code."""
    query = select(Enterprise.id).where(Enterprise.uscc == uscc)
    if enterprise_id is not None:
        query = query.where(Enterprise.id != enterprise_id)
    if db.session.scalar(query) is not None:
        abort(409, "enterprise_exists", EXISTS_MESSAGE)


def refuse_over_account_cap(user_id: int) -> None:
    """409 once the account holds ENTERPRISES_PER_ACCOUNT enterprises (squatting)."""
    cap = current_app.config["ENTERPRISES_PER_ACCOUNT"]
    # The account's row is locked so two registrations at once cannot both pass the count.
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())
    held = db.session.scalar(select(func.count(Enterprise.id))
                             .where(Enterprise.user_id == user_id))
    if held >= cap:
        abort(409, "enterprise_limit_reached",
              f"每个账号最多登记{cap}家企业；如需登记更多，请联系所属区县总工会")


def refuse_while_in_review(enterprise: Enterprise) -> None:
    """409 while an application of the enterprise is with staff."""
    busy = db.session.scalar(
        select(RefundApplication.id).where(RefundApplication.enterprise_id == enterprise.id,
                                           RefundApplication.status.in_(LOCKED_STATUSES))
        .limit(1))
    if busy is not None:
        abort(409, "enterprise_in_review", "该企业有申请正在审核或待拨付，暂不能修改登记信息")


def current_values(enterprise: Enterprise) -> dict:
    """The enterprise's fields as a registration body."""
    return {name: getattr(enterprise, name) for name in FIELDS}


def register_enterprise(user: User, data: dict) -> Enterprise:
    """Register an enterprise and its grassroots union for `user`; the size class computed."""
    values = checked(data)
    refuse_duplicate(values["uscc"])
    refuse_over_account_cap(user.id)
    enterprise = Enterprise(user_id=user.id, **values)
    db.session.add(enterprise)
    return enterprise


def change_enterprise(enterprise: Enterprise, changes: dict) -> Enterprise:
    """Correct a registration, not while staff hold an application; drafts are reassessed."""
    refuse_while_in_review(enterprise)
    values = checked({**current_values(enterprise), **changes})
    refuse_duplicate(values["uscc"], enterprise.id)
    for name, value in values.items():
        setattr(enterprise, name, value)
    db.session.flush()
    editable = db.session.scalars(select(RefundApplication).where(
        RefundApplication.enterprise_id == enterprise.id,
        RefundApplication.status.in_(EDITABLE)))
    for application in editable:
        reassess(application)
    return enterprise
