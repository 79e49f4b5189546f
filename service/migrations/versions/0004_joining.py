"""join by qr code

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import service.database

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('join_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('scene', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=50), nullable=False),
    sa.Column('page', sa.String(length=255), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('image', sa.LargeBinary().with_variant(mysql.MEDIUMBLOB(), 'mysql'), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('scan_count', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', service.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['admins.id'], name=op.f('fk_join_codes_created_by_admins')),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_join_codes_org_id_orgs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_join_codes')),
    sa.UniqueConstraint('scene', name=op.f('uq_join_codes_scene'))
    )
    with op.batch_alter_table('join_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_join_codes_org_id'), ['org_id'], unique=False)

    op.create_table('join_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('join_code_id', sa.Integer(), nullable=True),
    sa.Column('id_index', sa.String(length=64), nullable=False),
    sa.Column('active_person_index', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reject_reason', sa.String(length=200), nullable=True),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', service.database.UTCDateTime(), nullable=True),
    sa.Column('created_at', service.database.UTCDateTime(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=255), nullable=False),
    sa.Column('gender', sa.String(length=6), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('phone', sa.String(length=255), nullable=False),
    sa.Column('phone_index', sa.String(length=64), nullable=False),
    sa.Column('occupation', sa.String(length=32), nullable=False),
    sa.Column('employer', sa.String(length=100), nullable=True),
    sa.Column('household_type', sa.String(length=20), nullable=True),
    sa.Column('ethnicity', sa.String(length=2), nullable=True),
    sa.Column('political_status', sa.String(length=20), nullable=True),
    sa.Column('education', sa.String(length=20), nullable=True),
    sa.Column('residence_district_code', sa.String(length=6), nullable=True),
    sa.CheckConstraint("(status = 'rejected' AND active_person_index IS NULL) OR (status <> 'rejected' AND active_person_index IS NOT NULL)", name=op.f('ck_join_applications_active_person')),
    sa.CheckConstraint("gender IN ('male', 'female')", name=op.f('ck_join_applications_gender')),
    sa.CheckConstraint("occupation IN ('truck_driver', 'ride_hailing_driver', 'courier', 'food_delivery', 'other_platform', 'other')", name=op.f('ck_join_applications_occupation')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_join_applications_status')),
    sa.ForeignKeyConstraint(['join_code_id'], ['join_codes.id'], name=op.f('fk_join_applications_join_code_id_join_codes')),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_join_applications_org_id_orgs')),
    sa.ForeignKeyConstraint(['reviewed_by'], ['admins.id'], name=op.f('fk_join_applications_reviewed_by_admins')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_join_applications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_join_applications')),
    sa.UniqueConstraint('active_person_index', name=op.f('uq_join_applications_active_person_index'))
    )
    with op.batch_alter_table('join_applications', schema=None) as batch_op:
        batch_op.create_index('ix_join_applications_code_status', ['join_code_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_join_applications_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_join_applications_id_index'), ['id_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_join_applications_name'), ['name'], unique=False)
        batch_op.create_index('ix_join_applications_org_status', ['org_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_join_applications_phone_index'), ['phone_index'], unique=False)
        batch_op.create_index('ix_join_applications_user_status', ['user_id', 'status'], unique=False)

    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('person_index', sa.String(length=64), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('member_no', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('joined_at', service.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', service.database.UTCDateTime(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=255), nullable=False),
    sa.Column('gender', sa.String(length=6), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('phone', sa.String(length=255), nullable=False),
    sa.Column('phone_index', sa.String(length=64), nullable=False),
    sa.Column('occupation', sa.String(length=32), nullable=False),
    sa.Column('employer', sa.String(length=100), nullable=True),
    sa.Column('household_type', sa.String(length=20), nullable=True),
    sa.Column('ethnicity', sa.String(length=2), nullable=True),
    sa.Column('political_status', sa.String(length=20), nullable=True),
    sa.Column('education', sa.String(length=20), nullable=True),
    sa.Column('residence_district_code', sa.String(length=6), nullable=True),
    sa.CheckConstraint("gender IN ('male', 'female')", name=op.f('ck_members_gender')),
    sa.CheckConstraint("occupation IN ('truck_driver', 'ride_hailing_driver', 'courier', 'food_delivery', 'other_platform', 'other')", name=op.f('ck_members_occupation')),
    sa.CheckConstraint("status IN ('active')", name=op.f('ck_members_status')),
    sa.ForeignKeyConstraint(['application_id'], ['join_applications.id'], name=op.f('fk_members_application_id_join_applications')),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_members_org_id_orgs')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('application_id', name=op.f('uq_members_application_id')),
    sa.UniqueConstraint('member_no', name=op.f('uq_members_member_no')),
    sa.UniqueConstraint('person_index', name=op.f('uq_members_person_index')),
    sa.UniqueConstraint('user_id', name=op.f('uq_members_user_id'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_joined_at'), ['joined_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_name'), ['name'], unique=False)
        batch_op.create_index('ix_members_org_joined', ['org_id', 'joined_at'], unique=False)
        batch_op.create_index('ix_members_org_occupation', ['org_id', 'occupation'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_phone_index'), ['phone_index'], unique=False)

    op.create_table('member_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('from_org_id', sa.Integer(), nullable=False),
    sa.Column('to_org_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('admin_id', sa.Integer(), nullable=True),
    sa.Column('at', service.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['admins.id'], name=op.f('fk_member_transfers_admin_id_admins')),
    sa.ForeignKeyConstraint(['from_org_id'], ['orgs.id'], name=op.f('fk_member_transfers_from_org_id_orgs')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_transfers_member_id_members')),
    sa.ForeignKeyConstraint(['to_org_id'], ['orgs.id'], name=op.f('fk_member_transfers_to_org_id_orgs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_transfers'))
    )
    with op.batch_alter_table('member_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_transfers_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_transfers_to_org_id'), ['to_org_id'], unique=False)



def downgrade():
    with op.batch_alter_table('member_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_transfers_to_org_id'))
        batch_op.drop_index(batch_op.f('ix_member_transfers_member_id'))

    op.drop_table('member_transfers')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_phone_index'))
        batch_op.drop_index('ix_members_org_occupation')
        batch_op.drop_index('ix_members_org_joined')
        batch_op.drop_index(batch_op.f('ix_members_name'))
        batch_op.drop_index(batch_op.f('ix_members_joined_at'))

    op.drop_table('members')
    with op.batch_alter_table('join_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_join_applications_user_status')
        batch_op.drop_index(batch_op.f('ix_join_applications_phone_index'))
        batch_op.drop_index('ix_join_applications_org_status')
        batch_op.drop_index(batch_op.f('ix_join_applications_name'))
        batch_op.drop_index(batch_op.f('ix_join_applications_id_index'))
        batch_op.drop_index(batch_op.f('ix_join_applications_created_at'))
        batch_op.drop_index('ix_join_applications_code_status')

    op.drop_table('join_applications')
    with op.batch_alter_table('join_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_join_codes_org_id'))

    op.drop_table('join_codes')
