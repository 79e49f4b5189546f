"""工作台: the figures of the signed-in account's subtree, as charts."""

from flask import g, render_template

from service.console.blueprint import bp
from service.identity.auth import admin_required


@bp.route("/")
@admin_required()
def dashboard():
    """工作台首页"""
    return render_template("console/dashboard.html", org=g.admin.org)
