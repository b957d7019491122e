"""Survey results carry a design effect (#14).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: every result loaded before it is a count or a simple random sample (design
    # effect 1), and so is any result given without one
    for table in ("result", "result_revision"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("design_effect", sa.Double(), nullable=True))


def downgrade() -> None:
    for table in ("result_revision", "result"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("design_effect")
