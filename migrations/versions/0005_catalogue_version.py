"""Catalogue version: configuration changes move it, results and publications do not (#10).

A worker keeps the national catalogue (partnerships, their measures and comparators) in memory.
Keying it on the data version made every import and publication reload it; it now follows a
version of its own that only configuration, the sample and a restore move.

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


def downgrade() -> None:
    with op.batch_alter_table('data_version', schema=None) as batch_op:
        batch_op.drop_column('catalogue_version')
