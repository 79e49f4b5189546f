"""入会审核: the review queue, an application, 通过 and 驳回 (one by one or in bulk)."""

from flask import flash, g, redirect, render_template, request, url_for

from service.api.joining.schemas import JoinRejectSchema
from service.console.blueprint import attempt, bp, check_form
from service.console.filters import FilterError, orgs_in_scope, page_args, read_filters
from service.domain.enums import OCCUPATIONS
from service.extensions import db
from service.identity.auth import admin_required, get_scoped, has_role
from service.joining.review import (
    REJECT_REASONS,
    REVEAL_ROLE,
    applicant_history,
    application_query,
    reveal_person,
)
from service.joining.staff import approve_application, reject_application
from service.models.members import APPLICATION_STATUSES, JoinApplication
from service.web.limits import limit_exact_lookups
from service.web.pages import paginate

STATUS_LABELS = {"pending": "待审核", "approved": "已通过", "rejected": "已驳回",
                 "disputed": "身份争议"}
BULK_MAX = 100


@bp.route("/review")
@admin_required("member_reviewer")
@limit_exact_lookups
def review_queue():
    """入会审核列表（最早提交的在前）"""
    source = request.args.copy()
    if "status" not in source:
        source["status"] = "pending"  # the queue: what waits, oldest first
    error = field = None
    page = {"items": [], "total": 0, **page_args(source)}
    try:
        args = read_filters(source, statuses=APPLICATION_STATUSES)
    except FilterError as exc:
        error, field, status = exc.message, exc.field, 422
    else:
        query, refusal = attempt(application_query, args)
        if refusal:
            error, field, status = refusal.message, "org_id", refusal.status
        else:
            db.session.commit()  # the audit entry of an exact lookup
            page, status = paginate(query, page_args(source)), 200
    return render_template("console/review_queue.html", page=page, values=source,
                           error=error, field=field, orgs=orgs_in_scope(),
                           occupations=OCCUPATIONS, statuses=STATUS_LABELS), status


@bp.route("/review/approve", methods=["POST"])
@admin_required("member_reviewer")
def review_bulk_approve():
    """批量通过所选入会申请"""
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit() and 0 < int(i) < 2**31]
    back = request.form.get("back", "")
    back = back if back.startswith("/console/review") else url_for("console.review_queue")
    if not ids:
        flash("请先勾选要通过的申请", "error")
        return redirect(back)
    if len(ids) > BULK_MAX:
        flash(f"一次最多通过{BULK_MAX}份申请", "error")
        return redirect(back)
    approved, refused = [], []
    for application_id in dict.fromkeys(ids):  # each its own commit: one refusal undoes none
        application, refusal = attempt(get_scoped, JoinApplication, application_id,
                                       write=True, noun="入会申请")
        if refusal is None:
            _, refusal = attempt(approve_application, application, g.admin)
        if refusal is None:
            db.session.commit()
            approved.append(application_id)
        else:
            refused.append(f"申请 {application_id}：{refusal.message}")
    if approved:
        flash(f"已通过 {len(approved)} 份申请，申请人将收到通知", "success")
    for line in refused:
        flash(line, "error")
    return redirect(back)


def _application_page(application, status=200, **extra):
    can_reveal = has_role(g.admin, REVEAL_ROLE)
    return render_template(
        "console/review_application.html", application=application,
        history=applicant_history(application), reasons=REJECT_REASONS,
        can_reveal=can_reveal, statuses=STATUS_LABELS, occupations=OCCUPATIONS,
        **extra), status, {"Cache-Control": "no-store"}


@bp.route("/review/<int:application_id>")
@admin_required("member_reviewer")
def review_application(application_id):
    """查看一份入会申请"""
    return _application_page(get_scoped(JoinApplication, application_id, noun="入会申请"))


@bp.route("/review/<int:application_id>/approve", methods=["POST"])
@admin_required("member_reviewer")
def review_approve(application_id):
    """通过一份入会申请"""
    application = get_scoped(JoinApplication, application_id, write=True, noun="入会申请")
    body, refusal = attempt(approve_application, application, g.admin)
    if refusal:
        db.session.refresh(application)
        return _application_page(application, refusal.status, error=refusal.message)
    db.session.commit()
    flash(f"已通过，会员编号 {body['member_no']}；申请人将收到通知", "success")
    return redirect(url_for("console.review_application", application_id=application_id))


@bp.route("/review/<int:application_id>/reject", methods=["POST"])
@admin_required("member_reviewer")
def review_reject(application_id):
    """驳回一份入会申请（须填写理由）"""
    application = get_scoped(JoinApplication, application_id, write=True, noun="入会申请")
    data, refusal = check_form(JoinRejectSchema, {"reason": request.form.get("reason", "")})
    if refusal is None:
        _, refusal = attempt(reject_application, application, g.admin, data["reason"])
    if refusal:
        db.session.refresh(application)
        return _application_page(application, refusal.status, error=refusal.message,
                                 field="reason")
    db.session.commit()
    flash("已驳回，申请人将收到通知和驳回理由", "success")
    return redirect(url_for("console.review_application", application_id=application_id))


@bp.route("/review/<int:application_id>/reveal", methods=["POST"])
@admin_required("member_reviewer")
def review_reveal(application_id):
    """查看申请人完整的身份证号码和手机号码（须填写理由，记入审计日志）"""
    application = get_scoped(JoinApplication, application_id, noun="入会申请")
    full, refusal = attempt(reveal_person, application, g.admin,
                            request.form.get("reveal_reason", ""))
    if refusal:
        return _application_page(application, refusal.status, error=refusal.message,
                                 field="reveal_reason")
    db.session.commit()
    return _application_page(application, full=full)
