"""rhythm: a citizen's FKO-status and ORS intervals, her team's limits for them

Revision ID: k8cadence01
Revises: k7goalhist01
Create Date: 2026-12-10 10:00:00

Nullable columns: empty means the instruments' cadence (and limits). The bounds are checked
by the one service that writes them (bostotte/citizens/rhythm.py), not by CHECK constraints:
SQLite can add one to an existing table only by rebuilding it, and rebuilding `citizens`
would cascade its deletes to every record that refers to her.
"""
import sqlalchemy as sa
from alembic import op

revision = 'k8cadence01'
down_revision = 'k7goalhist01'
branch_labels = None
depends_on = None

CITIZEN = ('fko_status_months', 'ors_weeks')
TEAM = ('fko_months_min', 'fko_months_max', 'ors_weeks_min', 'ors_weeks_max')


def upgrade():
    for name in CITIZEN:
        op.add_column('citizens', sa.Column(name, sa.Integer(), nullable=True))
    op.add_column('citizens', sa.Column('rhythm_reason', sa.String(500), nullable=True))
    for name in TEAM:
        op.add_column('teams', sa.Column(name, sa.Integer(), nullable=True))


def downgrade():
    for name in reversed(TEAM):
        op.drop_column('teams', name)
    op.drop_column('citizens', 'rhythm_reason')
    for name in reversed(CITIZEN):
        op.drop_column('citizens', name)
