"""personal data rights: consent version, erasure marks, the join code funnel

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from service.core.database import UTCDateTime

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('join_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_version', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('erased_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_erased_at'), ['erased_at'], unique=False)
    op.create_table(
        'join_code_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('join_code_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('scan', 'login')", name=op.f('ck_join_code_events_kind')),
        sa.ForeignKeyConstraint(['join_code_id'], ['join_codes.id'],
                                name=op.f('fk_join_code_events_join_code_id_join_codes')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_join_code_events_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_join_code_events')),
    )
    with op.batch_alter_table('join_code_events', schema=None) as batch_op:
        batch_op.create_index('ix_join_code_events_code_kind_at',
                              ['join_code_id', 'kind', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_join_code_events_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    op.drop_table('join_code_events')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_erased_at'))
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('join_applications', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('consent_version')
