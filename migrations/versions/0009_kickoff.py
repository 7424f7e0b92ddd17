"""kickoff registration: delegates and the event registered for

Revision ID: 0009_kickoff
Revises: 0006_four_eyes
Create Date: 2026-12-01 17:10:00

Issue 17, item 4: a registration names the event it is for (the process's kickoff) and, besides the
registrant, further delegates (registration_delegate); the registrant confirms that those agreed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_kickoff'
down_revision = '0008_adoption'
branch_labels = None
depends_on = None


def upgrade():
    # registration_request is referenced by no other table: rebuilding it on SQLite loses nothing.
    with op.batch_alter_table('registration_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('consent_delegates', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_registration_request_session_id'), ['session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_registration_request_session_id_session'), 'session',
                                    ['session_id'], ['id'], ondelete='SET NULL')

    op.create_table('registration_delegate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('function', sa.String(length=200), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_registration_delegate_person_id_person'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['registration_request.id'],
                            name=op.f('fk_registration_delegate_request_id_registration_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_delegate'))
    )
    with op.batch_alter_table('registration_delegate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_delegate_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_delegate_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('registration_delegate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_delegate_request_id'))
        batch_op.drop_index(batch_op.f('ix_registration_delegate_person_id'))
    op.drop_table('registration_delegate')

    with op.batch_alter_table('registration_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_request_session_id_session'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_registration_request_session_id'))
        batch_op.drop_column('consent_delegates')
        batch_op.drop_column('session_id')
