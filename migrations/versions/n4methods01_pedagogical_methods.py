"""the municipality's pedagogical methods

Revision ID: n4methods01
Revises: n3statfacts01
Create Date: 2026-12-08 01:20:00

The methods a delmål is worked with (MI, ICM, CTI, neuropædagogik, narrativ …) are a list
the municipality keeps (issue 22): a row renames or hides a built-in method, or adds one.
No rows: the built-in list as before.
"""
import sqlalchemy as sa
from alembic import op

revision = 'n4methods01'
down_revision = 'n3statfacts01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pedagogical_methods',
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=120), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_pedagogical_methods')),
    )


def downgrade():
    op.drop_table('pedagogical_methods')
