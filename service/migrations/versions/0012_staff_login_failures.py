"""failed staff sign-ins per (username, client address); refund history names no username

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from service.core.database import UTCDateTime

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# As service/identity/labels.py has them today (a migration keeps its own copy).
ROLE_LABELS = (("refund_reviewer", "审核员"), ("member_reviewer", "审核员"),
               ("finance", "财务人员"), ("station_manager", "站点管理员"), ("org_admin", "管理员"))


def upgrade():
    op.create_table(
        'staff_login_failures',
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('address', sa.String(length=45), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('blocked_until', UTCDateTime(), nullable=True),
        sa.Column('last_failed_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('username', 'address', name=op.f('pk_staff_login_failures')),
    )
    with op.batch_alter_table('staff_login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_login_failures_last_failed_at'),
                              ['last_failed_at'], unique=False)
    _relabel_refund_history()


def _relabel_refund_history():
    """Staff actors in refund history showed `org username` to applicants: `org role` now."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT c.id, o.name, a.roles FROM refund_status_changes c"
        " JOIN admins a ON a.id = c.actor_id JOIN orgs o ON o.id = a.org_id"
        " WHERE c.actor_kind = 'admin'")).all()
    changes = []
    for change_id, org_name, roles in rows:
        held = set((roles or "").split(","))
        label = next((label for role, label in ROLE_LABELS if role in held), "工作人员")
        changes.append({"id": change_id, "name": f"{org_name} {label}"})
    if changes:
        connection.execute(sa.text(
            "UPDATE refund_status_changes SET actor_name = :name WHERE id = :id"), changes)


def downgrade():
    op.drop_table('staff_login_failures')
