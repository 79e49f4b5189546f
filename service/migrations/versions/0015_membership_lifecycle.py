"""membership lifecycle: member-requested transfers, holding, withdrawal, working-day due dates

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import service.core.database

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

OLD_MEMBER_STATUS = "status IN ('active')"
NEW_MEMBER_STATUS = "status IN ('active', 'held', 'withdrawn')"
HOLD_REASON = "hold_reason IS NULL OR hold_reason IN ('no_union', 'left_work')"
WORKING_DAYS = "review_working_days BETWEEN 1 AND 60"
OLD_ACTIVE = ("(status IN ('rejected', 'disputed') AND active_person_index IS NULL) OR "
              "(status IN ('pending', 'approved') AND active_person_index IS NOT NULL)")
NEW_ACTIVE = ("(status IN ('rejected', 'disputed') AND active_person_index IS NULL) OR "
              "(status = 'pending' AND active_person_index IS NOT NULL) OR "
              "status = 'approved'")


def _active_check(active: str) -> None:
    with op.batch_alter_table('join_applications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_join_applications_active_person'), type_='check')
        batch_op.create_check_constraint(op.f('ck_join_applications_active_person'), active)


def _member_status(status: str) -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_members_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_members_status'), status)


def upgrade():
    op.create_table('deadline_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('admin_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_at', service.core.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("item_kind IN ('join_application', 'transfer', 'withdrawal')", name=op.f('ck_deadline_reminders_item_kind')),
    sa.CheckConstraint("kind IN ('due_soon', 'escalated')", name=op.f('ck_deadline_reminders_kind')),
    sa.ForeignKeyConstraint(['admin_id'], ['admins.id'], name=op.f('fk_deadline_reminders_admin_id_admins')),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_deadline_reminders_org_id_orgs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_reminders')),
    sa.UniqueConstraint('item_kind', 'item_id', 'kind', 'admin_id', name='uq_deadline_reminders_once')
    )
    with op.batch_alter_table('deadline_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_reminders_admin_id'), ['admin_id'], unique=False)

    op.create_table('membership_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('admin_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('at', service.core.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['admins.id'], name=op.f('fk_membership_events_admin_id_admins')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_membership_events_member_id_members')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_membership_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_events'))
    )
    with op.batch_alter_table('membership_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_events_member_id'), ['member_id'], unique=False)

    op.create_table('withdrawal_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('live_member_id', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_on_estimated', sa.Boolean(), nullable=False),
    sa.Column('created_at', service.core.database.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', service.core.database.UTCDateTime(), nullable=True),
    sa.Column('confirmed_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'pending' AND live_member_id IS NOT NULL) OR (status IN ('confirmed', 'cancelled') AND live_member_id IS NULL)", name=op.f('ck_withdrawal_requests_live_member')),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'cancelled')", name=op.f('ck_withdrawal_requests_status')),
    sa.ForeignKeyConstraint(['confirmed_by'], ['admins.id'], name=op.f('fk_withdrawal_requests_confirmed_by_admins')),
    sa.ForeignKeyConstraint(['live_member_id'], ['members.id'], name=op.f('fk_withdrawal_requests_live_member_id_members')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_withdrawal_requests_member_id_members')),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_withdrawal_requests_org_id_orgs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_withdrawal_requests')),
    sa.UniqueConstraint('live_member_id', name=op.f('uq_withdrawal_requests_live_member_id'))
    )
    with op.batch_alter_table('withdrawal_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_withdrawal_requests_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_withdrawal_requests_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_withdrawal_requests_org_status', ['org_id', 'status'], unique=False)

    op.create_table('transfer_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('live_member_id', sa.Integer(), nullable=True),
    sa.Column('from_org_id', sa.Integer(), nullable=False),
    sa.Column('to_org_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('refuse_reason', sa.String(length=200), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_on_estimated', sa.Boolean(), nullable=False),
    sa.Column('created_at', service.core.database.UTCDateTime(), nullable=False),
    sa.Column('released_at', service.core.database.UTCDateTime(), nullable=True),
    sa.Column('released_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', service.core.database.UTCDateTime(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('transfer_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status IN ('pending_release', 'pending_accept') AND live_member_id IS NOT NULL) OR (status IN ('completed', 'refused', 'cancelled') AND live_member_id IS NULL)", name=op.f('ck_transfer_requests_live_member')),
    sa.CheckConstraint("status IN ('pending_release', 'pending_accept', 'completed', 'refused', 'cancelled')", name=op.f('ck_transfer_requests_status')),
    sa.ForeignKeyConstraint(['decided_by'], ['admins.id'], name=op.f('fk_transfer_requests_decided_by_admins')),
    sa.ForeignKeyConstraint(['from_org_id'], ['orgs.id'], name=op.f('fk_transfer_requests_from_org_id_orgs')),
    sa.ForeignKeyConstraint(['live_member_id'], ['members.id'], name=op.f('fk_transfer_requests_live_member_id_members')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_transfer_requests_member_id_members')),
    sa.ForeignKeyConstraint(['released_by'], ['admins.id'], name=op.f('fk_transfer_requests_released_by_admins')),
    sa.ForeignKeyConstraint(['to_org_id'], ['orgs.id'], name=op.f('fk_transfer_requests_to_org_id_orgs')),
    sa.ForeignKeyConstraint(['transfer_id'], ['member_transfers.id'], name=op.f('fk_transfer_requests_transfer_id_member_transfers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_requests')),
    sa.UniqueConstraint('live_member_id', name=op.f('uq_transfer_requests_live_member_id'))
    )
    with op.batch_alter_table('transfer_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_requests_due_on'), ['due_on'], unique=False)
        batch_op.create_index('ix_transfer_requests_from_status', ['from_org_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_requests_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_transfer_requests_to_status', ['to_org_id', 'status'], unique=False)

    with op.batch_alter_table('join_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('due_on_estimated', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('join_applications', schema=None) as batch_op:
        batch_op.alter_column('due_on_estimated', server_default=None)
    _active_check(NEW_ACTIVE)
    _member_status(NEW_MEMBER_STATUS)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold_reason', sa.String(length=10), nullable=True))
        batch_op.create_index('ix_members_org_status', ['org_id', 'status'], unique=False)
        batch_op.create_check_constraint(op.f('ck_members_hold_reason'), HOLD_REASON)

    with op.batch_alter_table('orgs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_working_days', sa.Integer(), server_default='15', nullable=False))
        batch_op.create_check_constraint(op.f('ck_orgs_review_working_days'), WORKING_DAYS)



def downgrade():
    with op.batch_alter_table('orgs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_orgs_review_working_days'), type_='check')
        batch_op.drop_column('review_working_days')

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_members_hold_reason'), type_='check')
        batch_op.drop_index('ix_members_org_status')
        batch_op.drop_column('hold_reason')
    # Held and withdrawn memberships count as active again; their applications keep the index.
    op.execute("UPDATE members SET status = 'active'")
    op.execute("UPDATE join_applications SET active_person_index = id_index "
               "WHERE status = 'approved' AND active_person_index IS NULL")
    _member_status(OLD_MEMBER_STATUS)
    _active_check(OLD_ACTIVE)

    with op.batch_alter_table('join_applications', schema=None) as batch_op:
        batch_op.drop_column('due_on_estimated')
        batch_op.drop_column('due_on')

    # Dropping a table drops its indexes (MySQL refuses to drop one a foreign key needs).
    op.drop_table('deadline_reminders')
    op.drop_table('membership_events')
    op.drop_table('withdrawal_requests')
    op.drop_table('transfer_requests')
