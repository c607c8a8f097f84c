"""stat targets per team: a leader's target is her team's; no team is the municipality's

Revision ID: l9teamtargets01
Revises: k8cadence01
Create Date: 2026-12-07 19:40:00

Existing targets keep team_id NULL: the municipality's, shown where a team has none.
"""
import sqlalchemy as sa
from alembic import op

revision = 'l9teamtargets01'
down_revision = 'k8cadence01'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite changes a unique constraint by rebuilding the table; nothing refers to it.
    with op.batch_alter_table('stat_targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_stat_targets_team_id_teams'), 'teams', ['team_id'], ['id'],
            ondelete='CASCADE',
        )
        batch_op.drop_constraint('uq_stat_targets_period', type_='unique')
        batch_op.create_unique_constraint(
            'uq_stat_targets_period', ['team_id', 'theme', 'period_from', 'period_to']
        )


def downgrade():
    op.execute('DELETE FROM stat_targets WHERE team_id IS NOT NULL')
    with op.batch_alter_table('stat_targets', schema=None) as batch_op:
        batch_op.drop_constraint('uq_stat_targets_period', type_='unique')
        batch_op.create_unique_constraint(
            'uq_stat_targets_period', ['theme', 'period_from', 'period_to']
        )
        batch_op.drop_constraint(batch_op.f('fk_stat_targets_team_id_teams'), type_='foreignkey')
        batch_op.drop_column('team_id')
