"""Audit log: partnership and kind of change, for Manage's filters; users can be disabled; a
configuration file previewed in Manage is kept until confirmed (#13).

Entries made before this revision get their kind from their action name, and a partnership where
the entry names one: a publication or withdrawal ("south-glos 2019/20") and a replaced or removed
result of a partnership's own area ("CRIME_TOTAL_RATE E06000025 2019/20"). The others (users,
configuration, imports as a whole) belong to no one partnership.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 04:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# The action names written before this revision, and the kind of change each one is
KINDS = {
    'import-results': 'import',
    'replace-result': 'import',
    'delete': 'delete',
    'publish': 'publish',
    'withdraw': 'withdraw',
    'load-config': 'config',
    'create-user': 'user',
    'update-user': 'user',
}


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('partnership', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_partnership'), ['partnership'], unique=False)
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('pending_config',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=320), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_pending_config'))
    )
    with op.batch_alter_table('pending_config', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_config_created_at'), ['created_at'], unique=False)

    audit = sa.table(
        'audit_log',
        sa.column('action', sa.String),
        sa.column('entity', sa.String),
        sa.column('kind', sa.String),
        sa.column('partnership', sa.String),
    )
    partnership = sa.table('partnership', sa.column('slug', sa.String), sa.column('area_code', sa.String))
    for action, kind in KINDS.items():
        op.execute(audit.update().where(audit.c.action == action).values(kind=kind))
    # "south-glos 2019/20 H1": the longest slug the entity starts with
    by_slug = (
        sa.select(partnership.c.slug)
        .where(audit.c.entity.like(partnership.c.slug + ' %'))
        .order_by(sa.func.length(partnership.c.slug).desc())
        .limit(1)
        .scalar_subquery()
    )
    op.execute(
        audit.update().where(audit.c.action.in_(['publish', 'withdraw'])).values(partnership=by_slug)
    )
    # "MEASURE AREA PERIOD": the partnership whose own area is the result's
    by_area = (
        sa.select(partnership.c.slug)
        .where(audit.c.entity.like('% ' + partnership.c.area_code + ' %'))
        .order_by(partnership.c.slug)
        .limit(1)
        .scalar_subquery()
    )
    op.execute(
        audit.update().where(audit.c.action.in_(['replace-result', 'delete'])).values(partnership=by_area)
    )


def downgrade() -> None:
    with op.batch_alter_table('pending_config', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_config_created_at'))
    op.drop_table('pending_config')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('disabled')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_partnership'))
        batch_op.drop_index(batch_op.f('ix_audit_log_kind'))
        batch_op.drop_column('partnership')
        batch_op.drop_column('kind')
