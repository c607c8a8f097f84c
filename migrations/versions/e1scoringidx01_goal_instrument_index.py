"""scorings: goal index with the instrument, so per-goal lookups never scan an instrument

Revision ID: e1scoringidx01
Revises: d8portal01
Create Date: 2026-11-23 18:10:00

Without it SQLite (no ANALYZE statistics) answered "the latest FKO baseline of this goal"
from the (instrument, occasion, date) index, reading every goal's baseline for each goal.
"""
from alembic import op


revision = 'e1scoringidx01'
down_revision = 'd8portal01'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_scorings_goal_occasion_date', table_name='scorings')
    op.create_index('ix_scorings_goal_instrument_occasion_date', 'scorings',
                    ['goal_id', 'instrument', 'occasion', 'scored_on'], unique=False)


def downgrade():
    op.drop_index('ix_scorings_goal_instrument_occasion_date', table_name='scorings')
    op.create_index('ix_scorings_goal_occasion_date', 'scorings',
                    ['goal_id', 'occasion', 'scored_on'], unique=False)
