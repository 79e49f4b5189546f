"""wechat token

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

import service.database

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('wechat_tokens',
    sa.Column('appid', sa.String(length=64), nullable=False),
    sa.Column('token', sa.String(length=512), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('lock_owner', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('appid', name=op.f('pk_wechat_tokens'))
    )


def downgrade():
    op.drop_table('wechat_tokens')
