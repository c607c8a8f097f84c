"""scorings: the statistics' date index and goal index carry the id and the total

Revision ID: n3statfacts01
Revises: n2tilsyn03
Create Date: 2026-12-08 01:10:00

FKO mastery reads every goal's outcome in a period (the final, else the latest status) and
its latest baseline and target. With the id and the total at the end of the (instrument,
occasion, date, goal) index, PostgreSQL reads the period's statuses and all baselines and
targets off the index alone (600,000 and 300,000 entries at 50,000 citizens: a bitmap heap
scan of each took 0.35-0.4 s, the index-only scans 0.07-0.15 s). With the total at the end
of the goal index, a goal's latest baseline and target (SQLite, and a scope of some teams)
come from the index without visiting the table. The leading columns stay, so every lookup
that used an index still can.
"""
from alembic import op

revision = 'n3statfacts01'
down_revision = 'n2tilsyn03'
branch_labels = None
depends_on = None

# (old name, old columns, new name, new columns)
SWAPS = [
    ('ix_scorings_goal_instrument_occasion_date_id',
     ['goal_id', 'instrument', 'occasion', 'scored_on', 'id'],
     'ix_scorings_goal_instrument_occasion_date_id_total',
     ['goal_id', 'instrument', 'occasion', 'scored_on', 'id', 'total']),
    ('ix_scorings_instrument_occasion_date_goal',
     ['instrument', 'occasion', 'scored_on', 'goal_id'],
     'ix_scorings_instrument_occasion_date_goal_id_total',
     ['instrument', 'occasion', 'scored_on', 'goal_id', 'id', 'total']),
]


def upgrade():
    for old, _old_columns, new, columns in SWAPS:
        op.create_index(new, 'scorings', columns, unique=False)
        op.drop_index(old, table_name='scorings')


def downgrade():
    for old, old_columns, new, _columns in SWAPS:
        op.create_index(old, 'scorings', old_columns, unique=False)
        op.drop_index(new, table_name='scorings')
