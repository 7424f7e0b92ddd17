"""large imports on the job queue

Revision ID: 0014_import_jobs
Revises: 0013_perf
Create Date: 2026-12-01 21:40:00

Issue 20, item 4: a confirmed list beyond IMPORT_SYNC_ROWS rows waits as "queued" for the job that
imports it; when the job imports nothing, the batch is pending again and `error` says why.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_import_jobs'
down_revision = '0013_perf'
branch_labels = None
depends_on = None


def _statuses(statuses):
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_import_batch_import_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_import_batch_import_status'),
                                         "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")")


def upgrade():
    _statuses(('pending', 'queued', 'imported'))
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('error', sa.JSON(), nullable=True))


def downgrade():
    op.execute("UPDATE import_batch SET status = 'pending' WHERE status = 'queued'")
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('error')
    _statuses(('pending', 'imported'))
