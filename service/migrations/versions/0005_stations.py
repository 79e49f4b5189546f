"""stations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

import service.database

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_code', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('lat_e6', sa.Integer(), nullable=False),
    sa.Column('lng_e6', sa.Integer(), nullable=False),
    sa.Column('cell_row', sa.Integer(), nullable=False),
    sa.Column('services_mask', sa.Integer(), nullable=False),
    sa.Column('hours', sa.JSON(), nullable=False),
    sa.Column('always_open', sa.Boolean(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('is_model', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('facilities', sa.JSON(), nullable=True),
    sa.Column('searchable', sa.Boolean(), nullable=False),
    sa.Column('created_at', service.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', service.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('love_station', 'rider_home', 'driver_home', 'mother_baby_room')", name=op.f('ck_stations_kind')),
    sa.CheckConstraint("status IN ('open', 'suspended', 'closed')", name=op.f('ck_stations_status')),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_stations_org_id_orgs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stations')),
    sa.UniqueConstraint('external_code', name=op.f('uq_stations_external_code'))
    )
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.create_index('ix_stations_cell', ['cell_row', 'lng_e6', 'lat_e6', 'searchable', 'kind', 'services_mask', 'always_open'], unique=False)
        batch_op.create_index('ix_stations_org', ['org_id', 'id'], unique=False)

    op.create_table('station_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('content', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('moderation', sa.String(length=8), nullable=False),
    sa.Column('moderation_label', sa.Integer(), nullable=True),
    sa.Column('moderation_trace_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', service.database.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', service.database.UTCDateTime(), nullable=True),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.Column('resolution_note', sa.String(length=500), nullable=True),
    sa.CheckConstraint("moderation IN ('pass', 'review', 'risky')", name=op.f('ck_station_feedback_moderation')),
    sa.CheckConstraint("status IN ('visible', 'held', 'resolved')", name=op.f('ck_station_feedback_status')),
    sa.CheckConstraint("type IN ('closed', 'wrong_location', 'wrong_info', 'praise', 'other')", name=op.f('ck_station_feedback_type')),
    sa.ForeignKeyConstraint(['resolved_by'], ['admins.id'], name=op.f('fk_station_feedback_resolved_by_admins')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_station_feedback_station_id_stations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_station_feedback_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_station_feedback'))
    )
    with op.batch_alter_table('station_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_station_feedback_station', ['station_id', 'id'], unique=False)
        batch_op.create_index('ix_station_feedback_status', ['status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_station_feedback_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('station_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_station_feedback_user_id'))
        batch_op.drop_index('ix_station_feedback_status')
        batch_op.drop_index('ix_station_feedback_station')

    op.drop_table('station_feedback')
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_index('ix_stations_org')
        batch_op.drop_index('ix_stations_cell')

    op.drop_table('stations')
