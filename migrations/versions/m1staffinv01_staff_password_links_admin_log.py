"""staff password links and the administrator's log

Revision ID: m1staffinv01
Revises: m1tilsyn02
Create Date: 2026-12-07 22:00:00

A staff login gets a single-use "vælg din adgangskode" link from the administrator, made by
the citizens' invitation machinery: such an invitation names no citizen (citizen_id NULL).
admin_log keeps what each administrator did (logins, teams, settings), as hers.
"""
import sqlalchemy as sa
from alembic import op

revision = 'm1staffinv01'
down_revision = 'm1tilsyn02'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('citizen_id', existing_type=sa.Integer(), nullable=True)
    op.create_table(
        'admin_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=120), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('target_user_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.String(length=300), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_log')),
    )
    with op.batch_alter_table('admin_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_log_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_log_at'), ['at'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_admin_log_target_user_id'), ['target_user_id'], unique=False
        )


def downgrade():
    op.drop_table('admin_log')
    op.execute('DELETE FROM invitations WHERE citizen_id IS NULL')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('citizen_id', existing_type=sa.Integer(), nullable=False)
