"""How members see a staff actor: the org and a role label, never the username."""

# In order of preference when an account holds several roles.
ROLE_LABELS = {
    "refund_reviewer": "审核员",
    "member_reviewer": "审核员",
    "finance": "财务人员",
    "station_manager": "站点管理员",
    "org_admin": "管理员",
}
FALLBACK_LABEL = "工作人员"


def role_label(roles) -> str:
    """The label of the first of `roles` in ROLE_LABELS' order."""
    return next((label for role, label in ROLE_LABELS.items() if role in roles), FALLBACK_LABEL)


def public_name(admin) -> str:
    """`金水区总工会 审核员`: what an applicant may know of who handled their case."""
    return f"{admin.org.name} {role_label(admin.roles)}"
