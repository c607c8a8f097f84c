"""api: tokens, idempotency keys; version and updated_at on edited records; access log via

Revision ID: j6api01
Revises: i5ops01
Create Date: 2026-12-07 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'j6api01'
down_revision = 'i5ops01'
branch_labels = None
depends_on = None

VERSIONED = ('citizens', 'plans', 'goals', 'subgoals')


def upgrade():
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(64), nullable=False),
        sa.Column('prefix', sa.String(12), nullable=False),
        sa.Column('name', sa.String(120), nullable=False),
        sa.Column('kind', sa.String(10), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('scopes', sa.String(200), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['users.id'], name=op.f('fk_api_tokens_created_by_id_users'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'])
    op.create_table(
        'api_idempotency_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(200), nullable=False),
        sa.Column('request_hash', sa.String(64), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('location', sa.Text(), nullable=True),
        sa.Column('body', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['token_id'], ['api_tokens.id'],
            name=op.f('fk_api_idempotency_keys_token_id_api_tokens'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotency_keys')),
        sa.UniqueConstraint('token_id', 'key', name=op.f('uq_api_idempotency_keys_token_id')),
    )
    op.create_index(
        op.f('ix_api_idempotency_keys_created_at'), 'api_idempotency_keys', ['created_at']
    )
    for table in VERSIONED:
        op.add_column(
            table, sa.Column('version', sa.Integer(), server_default='1', nullable=False)
        )
        op.add_column(table, sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        op.execute(f'UPDATE {table} SET updated_at = created_at')
        op.create_index(op.f(f'ix_{table}_updated_at'), table, ['updated_at'])
    op.create_index('ix_scorings_updated_at', 'scorings', ['updated_at'])
    op.add_column('access_log', sa.Column('via', sa.String(120), nullable=True))


def downgrade():
    op.drop_column('access_log', 'via')
    op.drop_index('ix_scorings_updated_at', table_name='scorings')
    for table in reversed(VERSIONED):
        op.drop_index(op.f(f'ix_{table}_updated_at'), table_name=table)
        op.drop_column(table, 'updated_at')
        op.drop_column(table, 'version')
    op.drop_index(op.f('ix_api_idempotency_keys_created_at'), table_name='api_idempotency_keys')
    op.drop_table('api_idempotency_keys')
    op.drop_index(op.f('ix_api_tokens_user_id'), table_name='api_tokens')
    op.drop_table('api_tokens')
