"""staff lists at city size: the review queue's order as an index, name and occupation
searches answered from an index

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('join_applications') as batch_op:
        batch_op.add_column(sa.Column(
            'due_unset', sa.Integer(),
            sa.Computed('CASE WHEN due_on IS NULL THEN 1 ELSE 0 END', persisted=False)))
    op.create_index('ix_join_applications_due_order', 'join_applications',
                    ['due_unset', 'due_on', 'id'])
    op.create_index('ix_join_applications_status_due_order', 'join_applications',
                    ['status', 'due_unset', 'due_on', 'id'])
    op.create_index('ix_members_name_org', 'members', ['name', 'org_id'])
    op.create_index('ix_members_occupation_org', 'members', ['occupation', 'org_id'])


def downgrade():
    op.drop_index('ix_members_occupation_org', table_name='members')
    op.drop_index('ix_members_name_org', table_name='members')
    op.drop_index('ix_join_applications_status_due_order', table_name='join_applications')
    op.drop_index('ix_join_applications_due_order', table_name='join_applications')
    with op.batch_alter_table('join_applications') as batch_op:
        batch_op.drop_column('due_unset')
