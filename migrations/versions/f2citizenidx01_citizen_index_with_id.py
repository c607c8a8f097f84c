"""scorings: the citizen index ends with the id, the statistics' tie-break

Revision ID: f2citizenidx01
Revises: e1scoringidx01
Create Date: 2026-12-02 10:00:00

"A citizen's first (latest) scoring of an instrument" orders by date, then id. With the id
in the index, PostgreSQL reads that row straight off it instead of sorting each citizen's
scorings of the day.
"""
from alembic import op


revision = 'f2citizenidx01'
down_revision = 'e1scoringidx01'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_scorings_citizen_instrument_date', table_name='scorings')
    op.create_index('ix_scorings_citizen_instrument_date_id', 'scorings',
                    ['citizen_id', 'instrument', 'scored_on', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_scorings_citizen_instrument_date_id', table_name='scorings')
    op.create_index('ix_scorings_citizen_instrument_date', 'scorings',
                    ['citizen_id', 'instrument', 'scored_on'], unique=False)
