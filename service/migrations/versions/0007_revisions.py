"""revision counters

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    revisions = op.create_table(
        'revisions',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_revisions')),
    )
    op.bulk_insert(revisions, [{'name': 'stations', 'value': 0}])


def downgrade():
    op.drop_table('revisions')
