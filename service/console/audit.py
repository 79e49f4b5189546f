"""审计日志: who read, exported or changed what, in the caller's subtree (the API's query)."""

from flask import g, render_template, request

from service.console.blueprint import bp
from service.console.filters import FilterError, page_args, read_filters
from service.identity import audit as audit_log
from service.identity.auth import admin_required
from service.web.pages import paginate

# Reads and exports first: what the log is mostly asked about.
ACTION_LABELS = {
    "member.export": "导出会员名册", "refund.export": "导出返还台账",
    "pii.exact_lookup": "按完整证件号/手机号查询", "join_application.reveal": "查看申请人完整信息",
    "member.reveal": "查看会员完整信息", "refund.attachment.read": "查看返还申请附件",
    "refund.bank_account.read": "查看完整银行账号",
    "join.approve": "通过入会申请", "join.reject": "驳回入会申请", "member.transfer": "会员转会",
    "refund.approve": "通过返还申请", "refund.reject": "驳回返还申请", "refund.pay": "登记拨付",
    "station.create": "新增站点", "station.update": "修改站点", "station.delete": "关闭站点",
    "station.import": "导入站点台账", "station_feedback.resolve": "处理站点反馈",
    "account.create": "创建账号", "account.update": "修改账号",
    "account.password_reset": "重置密码", "account.password_change": "修改本人密码",
    "join_code.create": "新建入会码", "join_code.update": "修改入会码",
}


@bp.route("/audit")
@admin_required("org_admin")
def audit():
    """审计日志（谁在何时查看、导出或修改了什么）"""
    source = request.args
    error = field = None
    page, status = {"items": [], "total": 0, **page_args(source)}, 200
    try:
        filters = read_filters(source)
        filters.pop("q", None)
        filters.pop("org_id", None)
        filters.pop("occupation", None)
        for name, limit in (("action", 64), ("object_type", 32), ("object_id", 64)):
            value = source.get(name, "").strip()
            if len(value) > limit:
                raise FilterError(f"筛选内容不能超过{limit}个字符", name)
            if value:
                filters[name] = value
    except FilterError as exc:
        error, field, status = exc.message, exc.field, 422
    else:
        page = paginate(audit_log.entries_in_scope(g.admin, filters), page_args(source))
    return render_template("console/audit.html", page=page, values=source, error=error,
                           field=field, actions=ACTION_LABELS), status
