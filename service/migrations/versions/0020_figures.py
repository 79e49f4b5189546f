"""the staff figures kept as counts per org subtree, and the changes not yet folded in

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

import service.core.database

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'figure_counts',
        sa.Column('scope_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('subject', sa.String(length=12), nullable=False),
        sa.Column('period', sa.String(length=11), nullable=False),
        sa.Column('district_code', sa.String(length=6), nullable=False),
        sa.Column('grp', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope_id', 'subject', 'period', 'district_code', 'grp',
                                'status', name=op.f('pk_figure_counts')),
    )
    op.create_table(
        'figure_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_path', sa.String(length=255), nullable=False),
        sa.Column('district_code', sa.String(length=6), nullable=False),
        sa.Column('subject', sa.String(length=12), nullable=False),
        sa.Column('grp', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('at', service.core.database.UTCDateTime(), nullable=False),
        sa.Column('delta', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_changes')),
    )
    op.create_index('ix_figure_changes_org_path', 'figure_changes', ['org_path'], unique=False)
    op.create_table(
        'figure_state',
        sa.Column('name', sa.String(length=16), nullable=False),
        sa.Column('folded_at', service.core.database.UTCDateTime(), nullable=True),
        sa.Column('rebuilt_at', service.core.database.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_figure_state')),
    )


def downgrade():
    op.drop_table('figure_state')
    op.drop_table('figure_changes')
    op.drop_table('figure_counts')
