"""入会码: an org's codes with their counts, create, rename, disable, image and A4 poster."""

from flask import Response, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from service.api.joining.schemas import JoinCodeCreateSchema, JoinCodeUpdateSchema
from service.console.blueprint import attempt, bp, check_form
from service.console.filters import orgs_in_scope, page_args
from service.extensions import db
from service.identity.auth import admin_required, get_scoped
from service.joining.codes import describe_codes, image_response
from service.joining.poster import poster_png
from service.joining.staff import add_join_code, change_join_code
from service.models.join_codes import JoinCode
from service.models.orgs import Org
from service.web.errors import abort
from service.web.pages import paginate
from service.wechat.errors import WeChatError, WeChatUnavailable

ROLE = "member_reviewer"


def _org_from(source) -> Org:
    org_id = source.get("org_id", "")
    if org_id.isdigit() and 0 < int(org_id) < 2**31:
        return get_scoped(Org, int(org_id), noun="组织")
    return g.admin.org


def _codes_page(org, status=200, **extra):
    page = paginate(select(JoinCode).where(JoinCode.org_id == org.id)
                    .order_by(JoinCode.id.desc()), page_args(request.args))
    page = {**page, "items": describe_codes(page["items"])}
    return render_template("console/join_codes.html", org=org, orgs=orgs_in_scope(), page=page,
                           values={"org_id": str(org.id)}, **extra), status


@bp.route("/join-codes")
@admin_required(ROLE)
def join_codes():
    """组织的入会码（扫码数、申请数、入会数）"""
    return _codes_page(_org_from(request.args))


@bp.route("/join-codes/new", methods=["POST"])
@admin_required(ROLE)
def join_code_new():
    """为某个渠道生成入会码"""
    org = _org_from(request.form)
    data, refusal = check_form(JoinCodeCreateSchema,
                               {"label": request.form.get("label", "").strip()})
    if refusal is None:
        org, refusal = attempt(get_scoped, Org, org.id, write=True, noun="组织")
    if refusal is None:
        _, refusal = attempt(_add_code, org, data["label"])
    if refusal:
        return _codes_page(_org_from(request.form), refusal.status, error=refusal.message,
                           field="label")
    db.session.commit()
    flash(f"已为“{data['label']}”生成入会码", "success")
    return redirect(url_for("console.join_codes", org_id=org.id))


def _add_code(org, label):
    """add_join_code, WeChat's failures as the refusals the API answers with."""
    try:
        return add_join_code(org, label, g.admin)
    except WeChatUnavailable:
        abort(503, "wechat_unavailable", "微信服务暂时不可用，请稍后再试")
    except WeChatError:
        abort(502, "wechat_error", "微信服务返回错误，请稍后再试")


@bp.route("/join-codes/<int:join_code_id>", methods=["POST"])
@admin_required(ROLE)
def join_code_change(join_code_id):
    """重命名、停用或启用入会码"""
    code = get_scoped(JoinCode, join_code_id, write=True, noun="入会码")
    action = request.form.get("action")
    change = ({"label": request.form.get("label", "").strip()} if action == "rename"
              else {"enabled": action == "enable"})
    data, refusal = check_form(JoinCodeUpdateSchema, change)
    if refusal is None:
        _, refusal = attempt(change_join_code, code, data)
    if refusal:
        return _codes_page(code.org, refusal.status, error=refusal.message,
                           field=f"label-{join_code_id}")
    db.session.commit()
    flash("已保存" if action == "rename" else
          ("入会码已启用" if data["enabled"] else "入会码已停用，扫码将提示无效"), "success")
    return redirect(url_for("console.join_codes", org_id=code.org_id))


@bp.route("/join-codes/<int:join_code_id>/image")
@admin_required(ROLE)
def join_code_image(join_code_id):
    """入会码图片（微信生成的原图）"""
    return image_response(get_scoped(JoinCode, join_code_id, noun="入会码"))


@bp.route("/join-codes/<int:join_code_id>/poster")
@admin_required(ROLE)
def join_code_poster(join_code_id):
    """入会码海报（A4，PNG，可打印）"""
    code = get_scoped(JoinCode, join_code_id, noun="入会码")
    response = Response(poster_png(code), mimetype="image/png")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="join-poster-{code.id}.png"'
    return response
