"""data generations

Revision ID: 0013_perf
Revises: 0006_four_eyes
Create Date: 2026-12-01 17:40:00

Issue 20, item 1: one counter per process and area (process 0: organisations and people), raised in
the transaction of every write; cached pages and figures are kept under them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_perf'
down_revision = '0011_decisions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_generation',
                    sa.Column('process_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('area', sa.String(length=20), nullable=False),
                    sa.Column('value', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('process_id', 'area', name=op.f('pk_data_generation')))


def downgrade():
    op.drop_table('data_generation')
