"""initial schema

Revision ID: 9a62bd1ba046
Revises: 
Create Date: 2026-11-23 11:56:38.310586

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a62bd1ba046'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=80), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_access_log_citizen_at', ['citizen_id', 'at'], unique=False)

    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('external_id', name=op.f('uq_teams_external_id'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('citizen_id', name=op.f('uq_users_citizen_id')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('citizens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('case_ref', sa.String(length=64), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.Column('gender', sa.String(length=1), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('legal_basis', sa.String(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('uses_fko', sa.Boolean(), nullable=False),
    sa.Column('uses_fit', sa.Boolean(), nullable=False),
    sa.Column('uses_rem', sa.Boolean(), nullable=False),
    sa.Column('pakke1', sa.Boolean(), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.Column('primary_worker_id', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("gender IN ('k', 'm', 'a')", name=op.f('ck_citizens_gender')),
    sa.CheckConstraint('birth_year BETWEEN 1900 AND 2100', name=op.f('ck_citizens_birth_year')),
    sa.ForeignKeyConstraint(['caseworker_id'], ['users.id'], name=op.f('fk_citizens_caseworker_id_users')),
    sa.ForeignKeyConstraint(['primary_worker_id'], ['users.id'], name=op.f('fk_citizens_primary_worker_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_citizens_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizens')),
    sa.UniqueConstraint('external_id', name=op.f('uq_citizens_external_id'))
    )
    with op.batch_alter_table('citizens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizens_caseworker_id'), ['caseworker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizens_team_id'), ['team_id'], unique=False)

    # users <-> citizens refer to each other: the citizen login's FK comes after both tables.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_users_citizen_id_citizens'), 'citizens', ['citizen_id'], ['id'], ondelete='CASCADE')

    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('legal_basis', sa.String(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('sessions_used', sa.Integer(), nullable=True),
    sa.Column('sessions_granted', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active', 'closed')", name=op.f('ck_plans_status')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_plans_period')),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_plans_citizen_id_citizens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index('uq_plans_one_active', ['citizen_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('user_teams',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_user_teams_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_teams_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'team_id', name=op.f('pk_user_teams'))
    )
    op.create_table('goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=40), nullable=False),
    sa.Column('specific', sa.Text(), nullable=False),
    sa.Column('measurable', sa.Text(), nullable=True),
    sa.Column('agreed', sa.Boolean(), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=True),
    sa.Column('realistic', sa.Text(), nullable=True),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('close_reason', sa.Text(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active', 'achieved', 'partly_achieved', 'abandoned', 'replaced')", name=op.f('ck_goals_status')),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_goals_citizen_id_citizens'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_goals_created_by_id_users')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_goals_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goals')),
    sa.UniqueConstraint('external_id', name=op.f('uq_goals_external_id'))
    )
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goals_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goals_plan_id'), ['plan_id'], unique=False)

    op.create_table('scorings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('instrument', sa.String(length=20), nullable=False),
    sa.Column('instrument_version', sa.String(length=20), nullable=False),
    sa.Column('occasion', sa.String(length=20), nullable=True),
    sa.Column('scored_on', sa.Date(), nullable=False),
    sa.Column('participation', sa.String(length=20), nullable=False),
    sa.Column('citizen_comment', sa.Text(), nullable=True),
    sa.Column('worker_note', sa.Text(), nullable=True),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('scored_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("participation IN ('together', 'citizen_self', 'worker_draft', 'disagreed')", name=op.f('ck_scorings_participation')),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_scorings_citizen_id_citizens'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_scorings_goal_id_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scored_by_id'], ['users.id'], name=op.f('fk_scorings_scored_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorings'))
    )
    with op.batch_alter_table('scorings', schema=None) as batch_op:
        batch_op.create_index('ix_scorings_citizen_instrument_date', ['citizen_id', 'instrument', 'scored_on'], unique=False)
        batch_op.create_index('ix_scorings_goal_occasion_date', ['goal_id', 'occasion', 'scored_on'], unique=False)

    op.create_table('subgoals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('approach', sa.Text(), nullable=True),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('not_started', 'in_progress', 'achieved', 'dropped')", name=op.f('ck_subgoals_status')),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_subgoals_goal_id_goals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subgoals'))
    )
    with op.batch_alter_table('subgoals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subgoals_goal_id'), ['goal_id'], unique=False)

    op.create_table('scoring_items',
    sa.Column('scoring_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('citizen_value', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['scoring_id'], ['scorings.id'], name=op.f('fk_scoring_items_scoring_id_scorings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scoring_id', 'item', name=op.f('pk_scoring_items'))
    )
    op.create_table('scoring_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scoring_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['users.id'], name=op.f('fk_scoring_revisions_replaced_by_id_users')),
    sa.ForeignKeyConstraint(['scoring_id'], ['scorings.id'], name=op.f('fk_scoring_revisions_scoring_id_scorings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_revisions'))
    )
    with op.batch_alter_table('scoring_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_revisions_scoring_id'), ['scoring_id'], unique=False)

    op.create_table('subgoal_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subgoal_id', sa.Integer(), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_subgoal_notes_author_id_users')),
    sa.ForeignKeyConstraint(['subgoal_id'], ['subgoals.id'], name=op.f('fk_subgoal_notes_subgoal_id_subgoals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subgoal_notes'))
    )
    with op.batch_alter_table('subgoal_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subgoal_notes_subgoal_id'), ['subgoal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('subgoal_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subgoal_notes_subgoal_id'))

    op.drop_table('subgoal_notes')
    with op.batch_alter_table('scoring_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_revisions_scoring_id'))

    op.drop_table('scoring_revisions')
    op.drop_table('scoring_items')
    with op.batch_alter_table('subgoals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subgoals_goal_id'))

    op.drop_table('subgoals')
    with op.batch_alter_table('scorings', schema=None) as batch_op:
        batch_op.drop_index('ix_scorings_goal_occasion_date')
        batch_op.drop_index('ix_scorings_citizen_instrument_date')

    op.drop_table('scorings')
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goals_plan_id'))
        batch_op.drop_index(batch_op.f('ix_goals_citizen_id'))

    op.drop_table('goals')
    op.drop_table('user_teams')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index('uq_plans_one_active', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index(batch_op.f('ix_plans_citizen_id'))

    op.drop_table('plans')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_citizen_id_citizens'), type_='foreignkey')

    with op.batch_alter_table('citizens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizens_team_id'))
        batch_op.drop_index(batch_op.f('ix_citizens_caseworker_id'))

    op.drop_table('citizens')
    op.drop_table('users')
    op.drop_table('teams')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_access_log_citizen_at')
        batch_op.drop_index(batch_op.f('ix_access_log_actor_id'))

    op.drop_table('access_log')
