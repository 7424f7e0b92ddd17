"""steering group per process

Revision ID: 0007_roles
Revises: 0006_four_eyes
Create Date: 2026-12-01 17:15:00

Issue 17, item 2: steering members are assigned per process (process_steering). A user with the role
"steering" used to decide in every process: each becomes a member of every existing process's steering
group, so existing installations (and the demo) keep working; from now on membership is per process.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_roles'
down_revision = '0006_four_eyes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('process_steering',
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['process_id'], ['process.id'], name=op.f('fk_process_steering_process_id_process'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_process_steering_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('process_id', 'user_id', name=op.f('pk_process_steering'))
    )
    with op.batch_alter_table('process_steering', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_steering_user_id'), ['user_id'], unique=False)
    op.execute('INSERT INTO process_steering (process_id, user_id) SELECT process.id, "user".id '
               'FROM process CROSS JOIN "user" WHERE "user".role = \'steering\'')


def downgrade():
    with op.batch_alter_table('process_steering', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_steering_user_id'))
    op.drop_table('process_steering')
