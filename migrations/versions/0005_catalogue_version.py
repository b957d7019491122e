"""Catalogue version, and the public results stored rendered (#10).

A worker keeps the national catalogue (partnerships, their measures and comparators) in memory.
Keying it on the data version made every import and publication reload it; it now follows a
version of its own that only configuration, the sample and a restore move.

A published version also keeps its public results as the API sends them, rendered once when
published (with the rendering's format number), so a public request sends stored text.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 03:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('data_version', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('catalogue_version', sa.BigInteger(), server_default='0', nullable=False)
        )
    with op.batch_alter_table('publication_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_results', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('public_results_format', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('publication_version', schema=None) as batch_op:
        batch_op.drop_column('public_results_format')
        batch_op.drop_column('public_results')
    with op.batch_alter_table('data_version', schema=None) as batch_op:
        batch_op.drop_column('catalogue_version')
