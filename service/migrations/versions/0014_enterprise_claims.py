"""claims to an enterprise's credit code registered by another account

Revision ID: 0014
Revises: 0008
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import service.core.database

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'refund_enterprise_claims',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('content_type', sa.String(length=64), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_name', sa.String(length=64), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', service.core.database.UTCDateTime(), nullable=True),
        sa.Column('decision_note', sa.String(length=500), nullable=True),
        sa.Column('created_at', service.core.database.UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')",
                           name=op.f('ck_refund_enterprise_claims_status')),
        sa.CheckConstraint('size_bytes > 0', name=op.f('ck_refund_enterprise_claims_size_bytes')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['admins.id'],
                                name=op.f('fk_refund_enterprise_claims_decided_by_id_admins')),
        sa.ForeignKeyConstraint(['enterprise_id'], ['refund_enterprises.id'], name=op.f(
            'fk_refund_enterprise_claims_enterprise_id_refund_enterprises')),
        sa.ForeignKeyConstraint(['org_id'], ['orgs.id'],
                                name=op.f('fk_refund_enterprise_claims_org_id_orgs')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_refund_enterprise_claims_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_enterprise_claims')),
        sa.UniqueConstraint('storage_name', name=op.f('uq_refund_enterprise_claims_storage_name')),
    )
    with op.batch_alter_table('refund_enterprise_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_enterprise_claims_enterprise_id'),
                              ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_enterprise_claims_user_id'), ['user_id'],
                              unique=False)
        batch_op.create_index('ix_refund_enterprise_claims_org_status', ['org_id', 'status'],
                              unique=False)


def downgrade():
    op.drop_table('refund_enterprise_claims')
