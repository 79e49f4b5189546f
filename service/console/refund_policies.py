"""经费返还 policies: the city's refund ratios and periods, kept by root finance and the
root org_admin (the same rules as the API: service/refunds/policies.py)."""

from flask import flash, g, redirect, render_template, request, url_for

from service.api.refunds.schemas import RefundPolicySchema, RefundPolicyUpdateSchema
from service.console.blueprint import Refusal, attempt, bp, check_form
from service.console.refunds import yuan_to_fen
from service.domain.refund_math import format_ratio
from service.domain.sme import SIZE_CLASS_LABELS
from service.extensions import db
from service.identity.auth import admin_required
from service.models.refunds import RefundPolicy
from service.refunds.policies import change_policy, create_policy, policies_newest_first

POLICY_FIELDS = ("name", "period_start", "period_end", "apply_from", "apply_until",
                 "refund_ratio", "grassroots_share")


def _policy_values(policy) -> dict:
    if policy is None:
        return {}
    values = {name: str(getattr(policy, name)) for name in POLICY_FIELDS}
    values["refund_ratio"] = format_ratio(policy.refund_ratio)
    values["grassroots_share"] = format_ratio(policy.grassroots_share)
    values["max_paid_yuan"] = "" if policy.max_paid_fen is None else \
        f"{policy.max_paid_fen / 100:.2f}"
    values["sizes"] = list(policy.eligible_size_classes)
    return values


def _policy_page(policy=None, status=200, **extra):
    form = request.form
    values = ({**form.to_dict(), "sizes": form.getlist("eligible_size_classes")}
              if request.method == "POST" else _policy_values(policy))
    policies = db.session.scalars(policies_newest_first()).all()
    return render_template("console/refund_policies.html", policy=policy, values=values,
                           policies=policies, sizes=SIZE_CLASS_LABELS, **extra), status


def _read_policy(form, schema):
    data = {name: form.get(name, "").strip() for name in POLICY_FIELDS}
    if schema is RefundPolicyUpdateSchema:
        data = {k: v for k, v in data.items() if v}
    data["eligible_size_classes"] = form.getlist("eligible_size_classes")
    cap = form.get("max_paid_yuan", "").strip()
    if cap:
        fen = yuan_to_fen(cap)
        if fen is None:
            return None, Refusal(422, "缴费金额上限格式不正确，请填写以元为单位的金额",
                                 "max_paid_yuan")
        data["max_paid_fen"] = fen
    else:
        data["max_paid_fen"] = None
    return check_form(schema, data)


@bp.route("/refunds/policies", methods=["GET", "POST"])
@admin_required("finance", "org_admin")
def refund_policies():
    """返还政策（市总工会财务或管理员维护）"""
    if request.method == "GET":
        return _policy_page()
    data, refusal = _read_policy(request.form, RefundPolicySchema)
    if refusal is None:
        _, refusal = attempt(create_policy, data, g.admin)
    if refusal:
        return _policy_page(None, refusal.status, error=refusal.message,
                            field=_policy_field(refusal.field))
    db.session.commit()
    flash(f"已新增政策“{data['name']}”", "success")
    return redirect(url_for("console.refund_policies"))


@bp.route("/refunds/policies/<int:policy_id>", methods=["GET", "POST"])
@admin_required("finance", "org_admin")
def refund_policy(policy_id):
    """修改返还政策"""
    policy = db.session.get(RefundPolicy, policy_id)
    if policy is None:
        return _policy_page(None, 404, error="政策不存在")
    if request.method == "GET":
        return _policy_page(policy)
    data, refusal = _read_policy(request.form, RefundPolicyUpdateSchema)
    if refusal is None:
        _, refusal = attempt(change_policy, policy_id, data, g.admin)
    if refusal:
        db.session.refresh(policy)
        return _policy_page(policy, refusal.status, error=refusal.message,
                            field=_policy_field(refusal.field))
    db.session.commit()
    flash("已保存政策", "success")
    return redirect(url_for("console.refund_policy", policy_id=policy_id))


def _policy_field(field):
    return "max_paid_yuan" if field == "max_paid_fen" else field
