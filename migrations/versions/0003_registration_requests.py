"""registration requests: the public form files a request, an administrator's approval writes it

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:00:39

Issue 16, finding 1: registering wrote organisations, memberships, delegates, consents and a
pending login at once. Now it adds one `registration_request` row and nothing else. Logins that
earlier registrations created and that still have no password are left as they are; an
administrator sends them a set-password link from the user administration, or deactivates them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('function', sa.String(length=200), nullable=True),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('organization_type', sa.Enum('company', 'chamber', 'employers_association', 'crafts', 'union', 'agency', 'research', 'administration', 'other', name='organization_type', native_enum=False, create_constraint=True, length=25), nullable=False),
    sa.Column('organization_sector', sa.String(length=120), nullable=True),
    sa.Column('consent_contact', sa.Boolean(), nullable=False),
    sa.Column('consent_named', sa.Boolean(), nullable=False),
    sa.Column('consent_text_version', sa.String(length=40), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='registration_status', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('created_organization', sa.Boolean(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_registration_request_decided_by_id_user')),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_registration_request_hub_id_hub')),
    sa.ForeignKeyConstraint(['membership_id'], ['hub_membership.id'], name=op.f('fk_registration_request_membership_id_hub_membership')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_registration_request_organization_id_organization')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_registration_request_person_id_person')),
    sa.ForeignKeyConstraint(['process_id'], ['process.id'], name=op.f('fk_registration_request_process_id_process')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_registration_request_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_request')),
    sa.UniqueConstraint('process_id', 'email', name=op.f('uq_registration_request_process_id_email'))
    )
    with op.batch_alter_table('registration_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_request_process_id'), ['process_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_request_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('registration_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_request_status'))
        batch_op.drop_index(batch_op.f('ix_registration_request_process_id'))

    op.drop_table('registration_request')
