"""Publication versions, result revisions, reporting points, disclosure control (#10).

Points published before versions existed are rebuilt once from the data as it stands, marked
"reconstructed", by `init-db` after this revision (data_access.publications.reconstruct_missing).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 00:33:23.621992
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('open_data_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('made_at', sa.DateTime(), nullable=False),
    sa.Column('rows_json', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_data_file'))
    )
    op.create_table('result_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_code', sa.String(length=64), nullable=False),
    sa.Column('area_code', sa.String(length=16), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('numerator', sa.BigInteger(), nullable=True),
    sa.Column('denominator', sa.BigInteger(), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('source', sa.String(length=2000), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.Column('loaded_by', sa.String(length=200), nullable=False),
    sa.Column('replaced_at', sa.DateTime(), nullable=False),
    sa.Column('replaced_by', sa.String(length=200), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], name=op.f('fk_result_revision_area_code_area')),
    sa.ForeignKeyConstraint(['measure_code'], ['measure.code'], name=op.f('fk_result_revision_measure_code_measure')),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_result_revision_period_id_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_revision'))
    )
    with op.batch_alter_table('result_revision', schema=None) as batch_op:
        batch_op.create_index('ix_result_revision_lookup', ['measure_code', 'area_code'], unique=False)

    op.create_table('publication_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.String(length=200), nullable=False),
    sa.Column('published_by_role', sa.String(length=16), nullable=False),
    sa.Column('reconstructed', sa.Boolean(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by', sa.String(length=200), nullable=True),
    sa.Column('withdrawn_reason', sa.String(length=2000), nullable=True),
    sa.Column('schema', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('member_report', sa.Text(), nullable=False),
    sa.Column('public_report', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_publication_version_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_publication_version_period_id_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_version')),
    sa.UniqueConstraint('partnership_id', 'period_id', 'version', name=op.f('uq_publication_version_partnership_id_period_id_version'))
    )
    with op.batch_alter_table('publication_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_version_partnership_id'), ['partnership_id'], unique=False)

    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_action_item_partnership_id_key'), ['partnership_id', 'key'])

    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decimals', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('suppress_below', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('design_effect', sa.Double(), nullable=True))

    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporting_points', sa.String(length=100), nullable=False, server_default=''))

    with op.batch_alter_table('partnership_measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_age_years', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('area_code', sa.String(length=16), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_partnership_measure_area_code_area'), 'area', ['area_code'], ['code'])

    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latest_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('changed', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_column('changed')
        batch_op.drop_column('latest_version')

    with op.batch_alter_table('partnership_measure', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_partnership_measure_area_code_area'), type_='foreignkey')
        batch_op.drop_column('area_code')
        batch_op.drop_column('max_age_years')

    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_column('reporting_points')

    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_column('design_effect')
        batch_op.drop_column('suppress_below')
        batch_op.drop_column('decimals')

    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_action_item_partnership_id_key'), type_='unique')
        batch_op.drop_column('key')

    with op.batch_alter_table('publication_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_version_partnership_id'))

    op.drop_table('publication_version')
    with op.batch_alter_table('result_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_result_revision_lookup')

    op.drop_table('result_revision')
    op.drop_table('open_data_file')
