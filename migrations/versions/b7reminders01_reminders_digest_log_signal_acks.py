"""reminders, digest log, signal acks

Revision ID: b7reminders01
Revises: 9a62bd1ba046
Create Date: 2026-11-23 12:42:11

Exactly-once in the database: a reminder is unique per (citizen, rule, subject, due date)
(`subject` is '' or 'goal:12' / 'subgoal:5', never NULL, since NULLs are distinct in a
unique constraint) and a digest per (user, kind, day).
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7reminders01'
down_revision = '9a62bd1ba046'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('citizen_id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=40), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=True),
        sa.Column('subgoal_id', sa.Integer(), nullable=True),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f('ck_reminders_status')),
        sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'],
                                name=op.f('fk_reminders_citizen_id_citizens'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['goal_id'], ['goals.id'],
                                name=op.f('fk_reminders_goal_id_goals'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['subgoal_id'], ['subgoals.id'],
                                name=op.f('fk_reminders_subgoal_id_subgoals'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
        sa.UniqueConstraint('citizen_id', 'rule', 'subject', 'due_date',
                            name='uq_reminders_once'),
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_citizen_id'), ['citizen_id'],
                              unique=False)
        batch_op.create_index('ix_reminders_status_due_date', ['status', 'due_date'],
                              unique=False)

    op.create_table(
        'digest_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('daily', 'weekly')", name=op.f('ck_digest_log_kind')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_digest_log_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_log')),
        sa.UniqueConstraint('user_id', 'kind', 'day', name='uq_digest_log_once'),
    )

    op.create_table(
        'signal_acks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('citizen_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=40), nullable=False),
        sa.Column('basis', sa.Date(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('seen_by_id', sa.Integer(), nullable=True),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'],
                                name=op.f('fk_signal_acks_citizen_id_citizens'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['seen_by_id'], ['users.id'],
                                name=op.f('fk_signal_acks_seen_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signal_acks')),
        sa.UniqueConstraint('citizen_id', 'kind', 'subject', 'basis',
                            name='uq_signal_acks_once'),
    )
    with op.batch_alter_table('signal_acks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signal_acks_citizen_id'), ['citizen_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('signal_acks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signal_acks_citizen_id'))
    op.drop_table('signal_acks')
    op.drop_table('digest_log')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_status_due_date')
        batch_op.drop_index(batch_op.f('ix_reminders_citizen_id'))
    op.drop_table('reminders')
