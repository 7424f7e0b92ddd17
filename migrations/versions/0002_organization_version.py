"""organisation version (optimistic locking) and name keys under the Unicode-aware normalisation

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 12:00:00

Issue 16, finding 17: organisation edits carry a version, a stale save is a conflict.
Finding 22: name keys are now NFKC without invisible characters; existing keys are derived again
so that lookups find the organisations stored before. Two stored organisations whose names now
mean the same keep their old keys (a message names them) — merging them is a person's decision.
"""
from alembic import op
import sqlalchemy as sa

from tracker.organizations.names import name_key


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False))

    organization = sa.table('organization', sa.column('id', sa.Integer), sa.column('name', sa.String),
                            sa.column('name_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(organization.c.id, organization.c.name, organization.c.name_key)
                              .order_by(organization.c.id)).all()
    taken = {row.name_key for row in rows}
    for row in rows:
        key = name_key(row.name)
        if key == row.name_key:
            continue
        if key in taken:
            print(f"organisation {row.id} ({row.name!r}) has the same name as another one; its key stays")
            continue
        connection.execute(organization.update().where(organization.c.id == row.id).values(name_key=key))
        taken.discard(row.name_key)
        taken.add(key)


def downgrade():
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_column('version')
