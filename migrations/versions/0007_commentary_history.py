"""Commentary up to 5,000 characters with its history kept (#13).

Commentary is now written in Manage as Markdown of up to 5,000 characters
(dashboard.markdown_text.COMMENTARY_MAX). Its history needs no new column: rows are only ever
added, the latest per measure and point is current, and a row with empty text removes it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 04:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('commentary', schema=None) as batch_op:
        batch_op.alter_column(
            'text', existing_type=sa.String(2000), type_=sa.String(5000), existing_nullable=False
        )


def downgrade() -> None:
    # The shorter column cannot hold longer commentary: cut it, rather than fail to downgrade
    op.execute(sa.text("UPDATE commentary SET text = substr(text, 1, 2000)"))
    with op.batch_alter_table('commentary', schema=None) as batch_op:
        batch_op.alter_column(
            'text', existing_type=sa.String(5000), type_=sa.String(2000), existing_nullable=False
        )
