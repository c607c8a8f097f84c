"""citizen portal: invitations, scoring comments and declines

Revision ID: d8portal01
Revises: c4stats01
Create Date: 2026-11-23 17:45:00

Invitations store only the SHA-256 of their token. A citizen's later comment on a scoring
and her wish not to be scored are rows of their own, so neither edits the scoring.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8portal01'
down_revision = 'c4stats01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mailed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_invitations_citizen_id_citizens'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invitations_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_user_id'), ['user_id'], unique=False)

    op.create_table('scoring_declines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_scoring_declines_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_scoring_declines_citizen_id_citizens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_declines'))
    )
    with op.batch_alter_table('scoring_declines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_declines_citizen_id'), ['citizen_id'], unique=False)

    op.create_table('scoring_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scoring_id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_scoring_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_scoring_comments_citizen_id_citizens'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scoring_id'], ['scorings.id'], name=op.f('fk_scoring_comments_scoring_id_scorings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_comments'))
    )
    with op.batch_alter_table('scoring_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_comments_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scoring_comments_scoring_id'), ['scoring_id'], unique=False)



def downgrade():
    with op.batch_alter_table('scoring_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_comments_scoring_id'))
        batch_op.drop_index(batch_op.f('ix_scoring_comments_citizen_id'))

    op.drop_table('scoring_comments')
    with op.batch_alter_table('scoring_declines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_declines_citizen_id'))

    op.drop_table('scoring_declines')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_user_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_citizen_id'))

    op.drop_table('invitations')
