"""refunds

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import service.database

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


# The two known periods (DOMAIN.md); the small-fee threshold is a default for staff to set.
POLICIES = [
    {'name': '2020-2022年度小微企业工会经费全额返还',
     'period_start': date(2020, 1, 1), 'period_end': date(2022, 12, 31),
     'apply_from': date(2020, 7, 1), 'apply_until': date(2023, 6, 30),
     'eligible_size_classes': 'micro,small', 'max_paid_fen': None,
     'refund_ratio': Decimal('1.00'), 'grassroots_share': Decimal('0.65')},
    {'name': '2023-2024年度小额缴费工会组织工会经费全额返还',
     'period_start': date(2023, 1, 1), 'period_end': date(2024, 12, 31),
     'apply_from': date(2023, 7, 1), 'apply_until': date(2025, 12, 31),
     'eligible_size_classes': '', 'max_paid_fen': 1000000,
     'refund_ratio': Decimal('1.00'), 'grassroots_share': Decimal('0.65')},
]


def upgrade():
    policies = op.create_table('refund_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('apply_from', sa.Date(), nullable=False),
    sa.Column('apply_until', sa.Date(), nullable=False),
    sa.Column('eligible_size_classes', sa.String(length=64), nullable=False),
    sa.Column('max_paid_fen', sa.BigInteger(), nullable=True),
    sa.Column('refund_ratio', sa.Numeric(precision=6, scale=4), nullable=False),
    sa.Column('grassroots_share', sa.Numeric(precision=6, scale=4), nullable=False),
    sa.Column('created_at', service.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', service.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint('apply_from <= apply_until', name=op.f('ck_refund_policies_window')),
    sa.CheckConstraint('grassroots_share >= 0 AND grassroots_share <= refund_ratio AND refund_ratio <= 1', name=op.f('ck_refund_policies_ratios')),
    sa.CheckConstraint('max_paid_fen IS NULL OR max_paid_fen > 0', name=op.f('ck_refund_policies_max_paid_fen')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_refund_policies_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_policies')),
    sa.UniqueConstraint('name', name=op.f('uq_refund_policies_name'))
    )
    with op.batch_alter_table('refund_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_policies_period_start'), ['period_start'], unique=False)
    now = datetime(2026, 11, 23, tzinfo=UTC)
    op.bulk_insert(policies, [{**row, 'created_at': now, 'updated_at': now} for row in POLICIES])

    op.create_table('refund_enterprises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('industry', sa.String(length=32), nullable=False),
    sa.Column('employees', sa.Integer(), nullable=False),
    sa.Column('revenue_wan', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('assets_wan', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('size_class', sa.String(length=8), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('union_name', sa.String(length=100), nullable=False),
    sa.Column('union_uscc', sa.String(length=18), nullable=False),
    sa.Column('union_established_on', sa.Date(), nullable=False),
    sa.Column('bank_account_name', sa.String(length=100), nullable=False),
    sa.Column('bank_name', sa.String(length=100), nullable=False),
    sa.Column('bank_account_no', sa.String(length=255), nullable=False),
    sa.Column('contact_name', sa.String(length=50), nullable=False),
    sa.Column('contact_phone', sa.String(length=255), nullable=False),
    sa.Column('created_at', service.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', service.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("size_class IN ('micro', 'small', 'medium', 'large')", name=op.f('ck_refund_enterprises_size_class')),
    sa.CheckConstraint("union_uscc LIKE '81%'", name=op.f('ck_refund_enterprises_union_uscc')),
    sa.CheckConstraint('employees >= 0', name=op.f('ck_refund_enterprises_employees')),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_refund_enterprises_org_id_orgs')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_refund_enterprises_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_enterprises')),
    sa.UniqueConstraint('uscc', name=op.f('uq_refund_enterprises_uscc'))
    )
    with op.batch_alter_table('refund_enterprises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_enterprises_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_enterprises_union_uscc'), ['union_uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_enterprises_user_id'), ['user_id'], unique=False)

    op.create_table('refund_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('size_class', sa.String(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('refundable_fen', sa.BigInteger(), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('ineligible_reasons', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('submitted_at', service.database.UTCDateTime(), nullable=True),
    sa.Column('decided_at', service.database.UTCDateTime(), nullable=True),
    sa.Column('payout_fen', sa.BigInteger(), nullable=True),
    sa.Column('payout_on', sa.Date(), nullable=True),
    sa.Column('payout_voucher_no', sa.String(length=64), nullable=True),
    sa.Column('payout_reason', sa.String(length=255), nullable=True),
    sa.Column('created_at', service.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', service.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'approved', 'rejected', 'paid')", name=op.f('ck_refund_applications_status')),
    sa.CheckConstraint('paid_fen >= 0 AND refundable_fen >= 0', name=op.f('ck_refund_applications_amounts')),
    sa.CheckConstraint('payout_fen IS NULL OR payout_fen >= 0', name=op.f('ck_refund_applications_payout_fen')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['refund_enterprises.id'], name=op.f('fk_refund_applications_enterprise_id_refund_enterprises')),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_refund_applications_org_id_orgs')),
    sa.ForeignKeyConstraint(['policy_id'], ['refund_policies.id'], name=op.f('fk_refund_applications_policy_id_refund_policies')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_refund_applications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_applications')),
    sa.UniqueConstraint('enterprise_id', 'year', name=op.f('uq_refund_applications_enterprise_id_year'))
    )
    with op.batch_alter_table('refund_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_applications_district_code'), ['district_code'], unique=False)
        batch_op.create_index('ix_refund_applications_org_status', ['org_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_applications_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_applications_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_applications_year'), ['year'], unique=False)

    op.create_table('refund_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=True),
    sa.Column('created_at', service.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('tax_receipt', 'business_license', 'union_certificate', 'other')", name=op.f('ck_refund_attachments_kind')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_refund_attachments_size_bytes')),
    sa.ForeignKeyConstraint(['application_id'], ['refund_applications.id'], name=op.f('fk_refund_attachments_application_id_refund_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_attachments')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_refund_attachments_storage_name'))
    )
    with op.batch_alter_table('refund_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_attachments_application_id'), ['application_id'], unique=False)

    op.create_table('refund_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('at', service.database.UTCDateTime(), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=128), nullable=True),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['refund_applications.id'], name=op.f('fk_refund_status_changes_application_id_refund_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_status_changes'))
    )
    with op.batch_alter_table('refund_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_status_changes_application_id'), ['application_id'], unique=False)


def downgrade():
    with op.batch_alter_table('refund_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_status_changes_application_id'))

    op.drop_table('refund_status_changes')
    with op.batch_alter_table('refund_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_attachments_application_id'))

    op.drop_table('refund_attachments')
    with op.batch_alter_table('refund_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_applications_year'))
        batch_op.drop_index(batch_op.f('ix_refund_applications_user_id'))
        batch_op.drop_index(batch_op.f('ix_refund_applications_status'))
        batch_op.drop_index('ix_refund_applications_org_status')
        batch_op.drop_index(batch_op.f('ix_refund_applications_district_code'))

    op.drop_table('refund_applications')
    with op.batch_alter_table('refund_enterprises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_enterprises_user_id'))
        batch_op.drop_index(batch_op.f('ix_refund_enterprises_union_uscc'))
        batch_op.drop_index(batch_op.f('ix_refund_enterprises_org_id'))

    op.drop_table('refund_enterprises')
    with op.batch_alter_table('refund_policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_policies_period_start'))

    op.drop_table('refund_policies')
