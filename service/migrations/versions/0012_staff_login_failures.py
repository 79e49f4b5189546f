"""failed staff sign-ins per (username, client address), for growing delays

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from service.core.database import UTCDateTime

revision = '0012'
down_revision = '0008'
branch_labels = None
depends_on = None


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


def downgrade():
    op.drop_table('staff_login_failures')
