"""scorings: indexes the statistics read without visiting the table

Revision ID: g3covering01
Revises: f2citizenidx01
Create Date: 2026-12-02 14:00:00

Each index gains trailing columns; the leading ones stay, so every lookup that used an index
still can. The citizen index ends with the total (ORS/REM: a citizen's first and latest date
and total read off the index), the goal index with the id (a goal's latest baseline and
target without sorting a day's scorings), the (instrument, occasion, date) index with the
goal (documentation on time reads the FKO statuses near a period off it alone).
"""
from alembic import op


revision = 'g3covering01'
down_revision = 'f2citizenidx01'
branch_labels = None
depends_on = None

# (old name, old columns, new name, new columns)
SWAPS = [
    ('ix_scorings_citizen_instrument_date_id', ['citizen_id', 'instrument', 'scored_on', 'id'],
     'ix_scorings_citizen_instrument_date_id_total',
     ['citizen_id', 'instrument', 'scored_on', 'id', 'total']),
    ('ix_scorings_goal_instrument_occasion_date',
     ['goal_id', 'instrument', 'occasion', 'scored_on'],
     'ix_scorings_goal_instrument_occasion_date_id',
     ['goal_id', 'instrument', 'occasion', 'scored_on', 'id']),
    ('ix_scorings_instrument_occasion_date', ['instrument', 'occasion', 'scored_on'],
     'ix_scorings_instrument_occasion_date_goal',
     ['instrument', 'occasion', 'scored_on', 'goal_id']),
]


def upgrade():
    for old, _old_columns, new, columns in SWAPS:
        op.create_index(new, 'scorings', columns, unique=False)
        op.drop_index(old, table_name='scorings')


def downgrade():
    for old, old_columns, new, _columns in SWAPS:
        op.create_index(old, 'scorings', old_columns, unique=False)
        op.drop_index(new, table_name='scorings')
