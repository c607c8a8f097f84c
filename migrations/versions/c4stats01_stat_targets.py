"""leader targets per theme and period; an index for the statistics

Revision ID: c4stats01
Revises: b7reminders01
Create Date: 2026-11-23 12:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'c4stats01'
down_revision = 'b7reminders01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stat_targets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('theme', sa.String(length=40), nullable=False),
        sa.Column('period_from', sa.Date(), nullable=False),
        sa.Column('period_to', sa.Date(), nullable=False),
        sa.Column('share', sa.Float(), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('period_to >= period_from', name=op.f('ck_stat_targets_period')),
        sa.CheckConstraint('share >= 0 AND share <= 1', name=op.f('ck_stat_targets_share')),
        sa.ForeignKeyConstraint(['set_by_id'], ['users.id'],
                                name=op.f('fk_stat_targets_set_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_targets')),
        sa.UniqueConstraint('theme', 'period_from', 'period_to',
                            name='uq_stat_targets_period'),
    )


    with op.batch_alter_table('scorings', schema=None) as batch_op:
        batch_op.create_index('ix_scorings_instrument_occasion_date',
                              ['instrument', 'occasion', 'scored_on'], unique=False)


def downgrade():
    with op.batch_alter_table('scorings', schema=None) as batch_op:
        batch_op.drop_index('ix_scorings_instrument_occasion_date')
    op.drop_table('stat_targets')
