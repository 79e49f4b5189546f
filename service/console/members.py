"""会员: search, a member's page and transfer, the roster export (xlsx)."""

from flask import flash, g, redirect, render_template, request, url_for

from service.api.members.schemas import MemberExportQuerySchema, MemberTransferInputSchema
from service.console.blueprint import attempt, bp, check_form
from service.console.filters import FilterError, orgs_in_scope, page_args, read_filters
from service.domain.enums import OCCUPATIONS
from service.extensions import db
from service.identity.auth import admin_required, get_scoped, has_role
from service.joining.export import export_roster
from service.joining.review import REVEAL_ROLE, reveal_person
from service.joining.roster import member_query
from service.joining.staff import move_member
from service.models.members import Member
from service.models.orgs import Org
from service.web.limits import limit_exact_lookups
from service.web.pages import paginate


def _search_page(source, status=200, **extra):
    error, field = extra.pop("error", None), extra.pop("field", None)
    page = {"items": [], "total": 0, **page_args(source)}
    try:
        args = read_filters(source)
    except FilterError as exc:
        error, field, status = exc.message, exc.field, 422
    else:
        query, refusal = attempt(member_query, args)
        if refusal:
            error, field, status = refusal.message, "org_id", refusal.status
        else:
            db.session.commit()  # the audit entry of an exact lookup
            page = paginate(query, page_args(source))
    return render_template(
        "console/members.html", page=page, values=source, error=error, field=field,
        orgs=orgs_in_scope(), occupations=OCCUPATIONS,
        can_export_full=has_role(g.admin, REVEAL_ROLE), **extra), status


@bp.route("/members")
@admin_required("member_reviewer")
@limit_exact_lookups
def members():
    """会员查询（姓名、会员编号、完整身份证号码或手机号码）"""
    return _search_page(request.args)


@bp.route("/members/export", methods=["POST"])
@admin_required("member_reviewer")
@limit_exact_lookups
def members_export():
    """导出会员名册（xlsx）"""
    form = request.form
    try:
        args = read_filters(form)
    except FilterError as exc:
        return _search_page(form, error=exc.message, field=exc.field, status=422)
    choice = {"full": form.get("full") == "1"}
    if form.get("reason", "").strip():
        choice["reason"] = form["reason"].strip()
    data, refusal = check_form(MemberExportQuerySchema, choice)
    if refusal is None:
        response, refusal = attempt(export_roster, g.admin, {**args, **data})
    if refusal:
        return _search_page(form, error=refusal.message, field=refusal.field or "reason",
                            status=refusal.status)
    db.session.commit()
    return response


def _member_page(member, status=200, **extra):
    targets = [org for org in orgs_in_scope() if org.accepts_members and org.id != member.org_id]
    return render_template("console/member.html", member=member, targets=targets,
                           occupations=OCCUPATIONS, can_reveal=has_role(g.admin, REVEAL_ROLE),
                           **extra), status, {"Cache-Control": "no-store"}


@bp.route("/members/<int:member_id>")
@admin_required("member_reviewer")
def member_page(member_id):
    """查看会员详情和会籍转移记录"""
    return _member_page(get_scoped(Member, member_id, noun="会员"))


@bp.route("/members/<int:member_id>/transfer", methods=["POST"])
@admin_required("member_reviewer")
def member_transfer(member_id):
    """会籍转移到所辖范围内的另一个组织"""
    member = get_scoped(Member, member_id, write=True, noun="会员")
    data, refusal = check_form(MemberTransferInputSchema, {
        "to_org_id": request.form.get("to_org_id") or None,
        "reason": request.form.get("reason", "").strip()})
    if refusal is None:
        target, refusal = attempt(get_scoped, Org, data["to_org_id"], write=True, noun="组织")
    if refusal is None:
        _, refusal = attempt(move_member, member, target, data["reason"], g.admin)
    if refusal:
        db.session.refresh(member)
        field = "to_org_id" if refusal.field in (None, "to_org_id") else refusal.field
        return _member_page(member, refusal.status, error=refusal.message, field=field)
    db.session.commit()
    flash(f"已将会员转入{target.name}", "success")
    return redirect(url_for("console.member_page", member_id=member_id))


@bp.route("/members/<int:member_id>/reveal", methods=["POST"])
@admin_required("member_reviewer")
def member_reveal(member_id):
    """查看会员完整的身份证号码和手机号码（须填写理由，记入审计日志）"""
    member = get_scoped(Member, member_id, noun="会员")
    full, refusal = attempt(reveal_person, member, g.admin, request.form.get("reveal_reason", ""))
    if refusal:
        return _member_page(member, refusal.status, error=refusal.message,
                            field="reveal_reason")
    db.session.commit()
    return _member_page(member, full=full)
