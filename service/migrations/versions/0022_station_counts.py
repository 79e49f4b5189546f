"""the stations of each org subtree kept as counts by kind, status and timetable, and the
changes not yet folded in; counted from the stations already there. The queue's size and
oldest application, and the refunds by status, read from an index alone

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02
"""
import hashlib
import json
from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    counts = op.create_table(
        'station_counts',
        sa.Column('scope_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('hours_key', sa.String(length=40), nullable=False),
        sa.Column('hours', sa.JSON(), nullable=True),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope_id', 'kind', 'status', 'hours_key',
                                name=op.f('pk_station_counts')),
    )
    op.create_table(
        'station_count_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_path', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('hours_key', sa.String(length=40), nullable=False),
        sa.Column('hours', sa.JSON(), nullable=True),
        sa.Column('delta', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_station_count_changes')),
    )
    op.create_index('ix_station_count_changes_org_path', 'station_count_changes',
                    ['org_path'], unique=False)
    op.create_index('ix_join_applications_status_created', 'join_applications',
                    ['status', 'created_at'], unique=False)
    op.create_index('ix_refund_applications_status_sums', 'refund_applications',
                    ['status', 'org_id', 'paid_fen', 'refundable_fen', 'payout_fen'],
                    unique=False)
    bind = op.get_bind()
    orgs = sa.table('orgs', sa.column('id'), sa.column('path'))
    stations = sa.table('stations', sa.column('org_id'), sa.column('kind'),
                        sa.column('status'), sa.column('hours', sa.JSON()))
    paths = dict(bind.execute(sa.select(orgs.c.id, orgs.c.path)).all())
    grouped = (stations.c.org_id, stations.c.kind, stations.c.status, stations.c.hours)
    totals: Counter = Counter()
    hours_of = {}
    for org_id, kind, status, hours, count in bind.execute(
            sa.select(*grouped, sa.func.count()).group_by(*grouped)):
        # The timetable's key, as service/models/station_counts.py timetable_key.
        text = json.dumps(hours, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        key = hashlib.sha1(text.encode()).hexdigest()
        hours_of[key] = hours
        for scope in (int(part) for part in paths[org_id].strip("/").split("/") if part):
            totals[(scope, kind, status, key)] += count
    rows = [{"scope_id": scope, "kind": kind, "status": status, "hours_key": key,
             "hours": hours_of[key], "count": count}
            for (scope, kind, status, key), count in totals.items()]
    for first in range(0, len(rows), 2000):
        op.bulk_insert(counts, rows[first:first + 2000])


def downgrade():
    op.drop_index('ix_refund_applications_status_sums', table_name='refund_applications')
    op.drop_index('ix_join_applications_status_created', table_name='join_applications')
    op.drop_table('station_count_changes')
    op.drop_table('station_counts')
