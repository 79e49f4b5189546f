"""one account, one person: the ID number bound to an account; disputed applications

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import service.database

revision = '0011'
down_revision = '0008'
branch_labels = None
depends_on = None

OLD_STATUS = "status IN ('pending', 'approved', 'rejected')"
NEW_STATUS = "status IN ('pending', 'approved', 'rejected', 'disputed')"
OLD_ACTIVE = ("(status = 'rejected' AND active_person_index IS NULL) OR "
              "(status <> 'rejected' AND active_person_index IS NOT NULL)")
NEW_ACTIVE = ("(status IN ('rejected', 'disputed') AND active_person_index IS NULL) OR "
              "(status IN ('pending', 'approved') AND active_person_index IS NOT NULL)")
# An account that already applied is bound to the person of its membership, else to the
# person of its first application.
BIND_FIRST = """
UPDATE users SET
  id_number_index = (SELECT a.id_index FROM join_applications a WHERE a.id =
    (SELECT MIN(f.id) FROM join_applications f WHERE f.user_id = users.id)),
  id_number = (SELECT a.id_number FROM join_applications a WHERE a.id =
    (SELECT MIN(f.id) FROM join_applications f WHERE f.user_id = users.id))
"""
BIND_MEMBER = """
UPDATE users SET
  id_number_index = (SELECT m.person_index FROM members m WHERE m.user_id = users.id),
  id_number = (SELECT m.id_number FROM members m WHERE m.user_id = users.id)
WHERE EXISTS (SELECT 1 FROM members m WHERE m.user_id = users.id)
"""


def _checks(status: str, active: str) -> None:
    with op.batch_alter_table('join_applications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_join_applications_status'), type_='check')
        batch_op.drop_constraint(op.f('ck_join_applications_active_person'), type_='check')
        batch_op.create_check_constraint(op.f('ck_join_applications_status'), status)
        batch_op.create_check_constraint(op.f('ck_join_applications_active_person'), active)


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('id_number_index', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_id_number_index'), ['id_number_index'],
                              unique=False)
    op.execute(BIND_FIRST)
    op.execute(BIND_MEMBER)
    _checks(NEW_STATUS, NEW_ACTIVE)
    op.create_table(
        'join_disputes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('holder_org_id', sa.Integer(), nullable=False),
        sa.Column('holder_application_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.Column('resolved_by', sa.Integer(), nullable=True),
        sa.Column('resolved_at', service.database.UTCDateTime(), nullable=True),
        sa.Column('created_at', service.database.UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'moved', 'rejected')",
                           name=op.f('ck_join_disputes_status')),
        sa.ForeignKeyConstraint(['application_id'], ['join_applications.id'],
                                name=op.f('fk_join_disputes_application_id_join_applications')),
        sa.ForeignKeyConstraint(['holder_org_id'], ['orgs.id'],
                                name=op.f('fk_join_disputes_holder_org_id_orgs')),
        sa.ForeignKeyConstraint(
            ['holder_application_id'], ['join_applications.id'],
            name=op.f('fk_join_disputes_holder_application_id_join_applications')),
        sa.ForeignKeyConstraint(['resolved_by'], ['admins.id'],
                                name=op.f('fk_join_disputes_resolved_by_admins')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_join_disputes')),
        sa.UniqueConstraint('application_id', name=op.f('uq_join_disputes_application_id')),
    )
    with op.batch_alter_table('join_disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_join_disputes_created_at'), ['created_at'],
                              unique=False)
        batch_op.create_index('ix_join_disputes_holder_status', ['holder_org_id', 'status'],
                              unique=False)


def downgrade():
    op.drop_table('join_disputes')
    op.execute("DELETE FROM join_applications WHERE status = 'disputed'")
    _checks(OLD_STATUS, OLD_ACTIVE)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_id_number_index'))
        batch_op.drop_column('id_number_index')
        batch_op.drop_column('id_number')
