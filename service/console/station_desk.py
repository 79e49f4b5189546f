"""驿站与母婴室, the desk work: the ledger import with its per-row report, the template,
and the feedback members send."""

from flask import flash, g, redirect, render_template, request, url_for

from service.console.blueprint import attempt, bp
from service.console.filters import page_args
from service.console.stations import ROLE
from service.extensions import db
from service.identity.auth import admin_required, get_scoped
from service.models.station_feedback import FEEDBACK_STATUSES, FEEDBACK_TYPES, StationFeedback
from service.stations.feedback import feedback_in_scope, resolve_feedback
from service.stations.ledger_upload import import_upload
from service.stations.template import template_download
from service.web.pages import paginate

FEEDBACK_STATUS_LABELS = {"visible": "待处理", "held": "待复核（内容安全）", "resolved": "已处理"}


@bp.route("/stations/import", methods=["GET", "POST"])
@admin_required(ROLE)
def station_import():
    """导入站点台账（xlsx 或 csv）"""
    if request.method == "GET":
        return render_template("console/station_import.html", report=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("console/station_import.html", report=None,
                               error="请选择要导入的台账文件", field="file"), 422
    report, refusal = attempt(import_upload, upload, g.admin)
    if refusal:
        return render_template("console/station_import.html", report=None,
                               error=refusal.message, field="file"), refusal.status
    db.session.commit()
    return render_template("console/station_import.html", report=report,
                           filename=upload.filename)


@bp.route("/stations/import-template")
@admin_required(ROLE)
def station_import_template():
    """下载站点台账导入模板（xlsx）"""
    return template_download()


@bp.route("/stations/feedback")
@admin_required(ROLE)
def station_feedback():
    """站点反馈处理"""
    filters = {}
    status = request.args.get("status", "")
    if status in FEEDBACK_STATUSES:
        filters["status"] = status
    kind = request.args.get("type", "")
    if kind in FEEDBACK_TYPES:
        filters["type"] = kind
    page = paginate(feedback_in_scope(filters), page_args(request.args))
    return render_template("console/station_feedback.html", page=page, values=request.args,
                           statuses=FEEDBACK_STATUS_LABELS, types=FEEDBACK_TYPES)


@bp.route("/stations/feedback/<int:feedback_id>/resolve", methods=["POST"])
@admin_required(ROLE)
def station_feedback_resolve(feedback_id):
    """将站点反馈标记为已处理"""
    feedback = get_scoped(StationFeedback, feedback_id, write=True, noun="反馈",
                          org_of=lambda item: item.station.org)
    note = request.form.get("note", "").strip()[:500] or None
    _, refusal = attempt(resolve_feedback, feedback, g.admin, note)
    if refusal:
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash("反馈已标记为已处理", "success")
    return redirect(url_for("console.station_feedback"))

