"""the staff console: its sessions (console_sessions), and members.phone_tail (the
phone's last four digits) for its search

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import service.core.database

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    op.create_table(
        'console_sessions',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('admin_id', sa.Integer(), nullable=False),
        sa.Column('started_at', service.core.database.UTCDateTime(), nullable=False),
        sa.Column('ended_at', service.core.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['admin_id'], ['admins.id'],
                                name=op.f('fk_console_sessions_admin_id_admins')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_console_sessions')),
    )
    with op.batch_alter_table('console_sessions') as batch:
        batch.create_index(batch.f('ix_console_sessions_admin_id'), ['admin_id'], unique=False)
    with op.batch_alter_table('members') as batch:
        batch.add_column(sa.Column('phone_tail', sa.String(length=4), nullable=True))
        batch.create_index(batch.f('ix_members_phone_tail'), ['phone_tail'], unique=False)
    _fill_tails()


def _fill_tails():
    """Every existing member's tail, read from the encrypted phone a batch at a time."""
    from service.core.pii import keyring
    from service.domain.phone import phone_tail

    connection = op.get_bind()
    members = sa.table('members', sa.column('id', sa.Integer), sa.column('phone', sa.String),
                       sa.column('phone_tail', sa.String))
    ring, last = None, 0
    while True:
        rows = connection.execute(
            sa.select(members.c.id, members.c.phone).where(members.c.id > last)
            .order_by(members.c.id).limit(BATCH)).all()
        if not rows:
            return
        ring = ring or keyring()
        for member_id, stored in rows:
            connection.execute(members.update().where(members.c.id == member_id)
                               .values(phone_tail=phone_tail(ring.decrypt(stored))))
        last = rows[-1][0]


def downgrade():
    with op.batch_alter_table('members') as batch:
        batch.drop_index(batch.f('ix_members_phone_tail'))
        batch.drop_column('phone_tail')
    op.drop_table('console_sessions')
