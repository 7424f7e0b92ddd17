"""process set-up in the browser: a contact person and the language of the plan documents

Revision ID: 0005_setup
Revises: 0004
Create Date: 2026-12-01 15:00:00

Issue 17, item 1: a process names its contact (name and email) and the language its plan documents
are written in (de or en). Existing processes have none: their plans stay in the installation's language.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_setup'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('plan_language', sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table('process', schema=None) as batch_op:
        batch_op.drop_column('plan_language')
        batch_op.drop_column('contact_name')
