"""revocable sessions: member token versions, forced password change

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_version', sa.Integer(), nullable=False,
                                      server_default='1'))
    with op.batch_alter_table('admins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kept_session', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('admins', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('kept_session')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('token_version')
