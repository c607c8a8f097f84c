"""goal history: goal_revisions keeps each change to a goal or a delmål

Revision ID: k7goalhist01
Revises: j6api01
Create Date: 2026-12-08 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'k7goalhist01'
down_revision = 'j6api01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'goal_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=False),
        sa.Column('subgoal_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('replaced_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['goal_id'], ['goals.id'], name=op.f('fk_goal_revisions_goal_id_goals'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['subgoal_id'], ['subgoals.id'], name=op.f('fk_goal_revisions_subgoal_id_subgoals'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['replaced_by_id'], ['users.id'], name=op.f('fk_goal_revisions_replaced_by_id_users'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_revisions')),
    )
    op.create_index(op.f('ix_goal_revisions_goal_id'), 'goal_revisions', ['goal_id'])
    op.create_index(op.f('ix_goal_revisions_subgoal_id'), 'goal_revisions', ['subgoal_id'])


def downgrade():
    op.drop_index(op.f('ix_goal_revisions_subgoal_id'), table_name='goal_revisions')
    op.drop_index(op.f('ix_goal_revisions_goal_id'), table_name='goal_revisions')
    op.drop_table('goal_revisions')
