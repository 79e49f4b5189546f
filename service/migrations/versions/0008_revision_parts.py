"""parts of a set of rows each revision changed

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'revision_parts',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('revision', sa.BigInteger(), nullable=False),
        sa.Column('part', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', 'revision', 'part', name=op.f('pk_revision_parts')),
    )


def downgrade():
    op.drop_table('revision_parts')
