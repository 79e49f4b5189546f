"""the primary's heartbeat, read on the replica to measure its lag

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import service.core.database

revision = '0019'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'heartbeats',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('beat_at', service.core.database.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_heartbeats')),
    )


def downgrade():
    op.drop_table('heartbeats')
