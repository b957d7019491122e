"""Session version: signing out and a new password end a user's sessions (#12).

Every session carries the user's version; moving it on (data_access.users.end_sessions) ends
them all. Existing users start at 0; sessions made before this revision no longer sign in.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 01:23:08.810332
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
