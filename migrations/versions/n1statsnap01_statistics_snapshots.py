"""statistics snapshots and the data version

Revision ID: n1statsnap01
Revises: m1staffinv01
Create Date: 2026-12-08 01:00:00

/statistik reads a stored snapshot of its numbers per view (scope, period, comparison)
when nothing has changed since it was computed (issue 22). stat_data_version holds one
row whose number every write that can change a statistic raises, at commit; a snapshot
keeps the number it was computed at.
"""
import sqlalchemy as sa
from alembic import op

revision = 'n1statsnap01'
down_revision = 'm1staffinv01'
branch_labels = None
depends_on = None


def upgrade():
    version = op.create_table(
        'stat_data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_data_version')),
    )
    op.bulk_insert(version, [{'id': 1, 'version': 0, 'changed_at': None}])
    op.create_table(
        'stat_snapshots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('view', sa.Text(), nullable=False),
        sa.Column('data_version', sa.BigInteger(), nullable=False),
        sa.Column('computed_on', sa.Date(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('last_read_on', sa.Date(), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_snapshots')),
        sa.UniqueConstraint('key', name=op.f('uq_stat_snapshots_key')),
    )
    with op.batch_alter_table('stat_snapshots', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_stat_snapshots_last_read_on'), ['last_read_on'], unique=False
        )


def downgrade():
    with op.batch_alter_table('stat_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stat_snapshots_last_read_on'))
    op.drop_table('stat_snapshots')
    op.drop_table('stat_data_version')
