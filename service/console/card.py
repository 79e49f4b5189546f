"""会员卡核验: type or scan the code on a member's electronic card."""

from flask import render_template, request

from service.api.members.schemas import MemberCardCheckSchema
from service.console.blueprint import attempt, bp, check_form
from service.domain.enums import OCCUPATIONS
from service.domain.masking import mask_name
from service.identity.auth import admin_required
from service.joining.membership import read_card_code


@bp.route("/card", methods=["GET", "POST"])
@admin_required()
def card_check():
    """核验会员电子会员卡"""
    if request.method == "GET":
        return render_template("console/card.html")
    data, refusal = check_form(MemberCardCheckSchema,
                               {"verify_code": request.form.get("verify_code", "").strip()})
    if refusal is None:
        holder, refusal = attempt(read_card_code, data["verify_code"])
    if refusal:
        return render_template("console/card.html", error=refusal.message,
                               field="verify_code"), refusal.status
    return render_template("console/card.html", holder=holder, name=mask_name(holder.name),
                           occupations=OCCUPATIONS)
