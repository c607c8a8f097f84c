"""tilsyn: the visit's henstillinger (and an action's reference to one), the leader's
"Sådan har vi brugt resultaterne" per period and team set

Revision ID: n2tilsyn03
Revises: n1statsnap01
Create Date: 2026-12-08 01:05:00

An action on a henstilling that names no indicator has no indicator either, so
tilsyn_actions.indicator becomes nullable.
"""
import sqlalchemy as sa
from alembic import op

import bostotte.common.time  # noqa: F401  (custom column types)

revision = 'n2tilsyn03'
down_revision = 'n1statsnap01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'tilsyn_recommendations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('indicator', sa.String(length=10), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['visit_id'], ['tilsyn_visits.id'], name=op.f('fk_tilsyn_recommendations_visit_id_tilsyn_visits'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tilsyn_recommendations')),
    )
    with op.batch_alter_table('tilsyn_recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tilsyn_recommendations_visit_id'), ['visit_id'], unique=False)

    with op.batch_alter_table('tilsyn_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommendation_id', sa.Integer(), nullable=True))
        batch_op.alter_column('indicator', existing_type=sa.String(length=10), nullable=True)
        batch_op.create_index(batch_op.f('ix_tilsyn_actions_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tilsyn_actions_recommendation_id_tilsyn_recommendations'), 'tilsyn_recommendations', ['recommendation_id'], ['id'], ondelete='SET NULL')

    op.create_table(
        'tilsyn_result_texts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_key', sa.String(length=200), nullable=False),
        sa.Column('period_from', sa.Date(), nullable=False),
        sa.Column('period_to', sa.Date(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', bostotte.common.time.UTCDateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('updated_at', bostotte.common.time.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint('period_from <= period_to', name=op.f('ck_tilsyn_result_texts_period')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_tilsyn_result_texts_updated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tilsyn_result_texts')),
        sa.UniqueConstraint('team_key', 'period_from', 'period_to', name='uq_tilsyn_result_texts'),
    )
    with op.batch_alter_table('tilsyn_result_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tilsyn_result_texts_updated_at'), ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tilsyn_result_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tilsyn_result_texts_updated_at'))
    op.drop_table('tilsyn_result_texts')

    op.execute("DELETE FROM tilsyn_actions WHERE indicator IS NULL")
    with op.batch_alter_table('tilsyn_actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tilsyn_actions_recommendation_id_tilsyn_recommendations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tilsyn_actions_recommendation_id'))
        batch_op.alter_column('indicator', existing_type=sa.String(length=10), nullable=False)
        batch_op.drop_column('recommendation_id')

    with op.batch_alter_table('tilsyn_recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tilsyn_recommendations_visit_id'))
    op.drop_table('tilsyn_recommendations')
