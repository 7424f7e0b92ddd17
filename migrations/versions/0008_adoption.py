"""the years after adoption: dated phases, milestone owners and their reminders

Revision ID: 0008_adoption
Revises: 0006_four_eyes
Create Date: 2026-12-01 17:30:00

Issue 17, items 1 and 3: a process's phases get start and end dates (process_phase); a milestone gets an
owner (organisation and person) who is reminded by mail (new mail kind "milestone") once per due date
(milestone.reminded_due_on).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_adoption'
down_revision = '0007_roles'
branch_labels = None
depends_on = None

OLD_KINDS = ('invitation', 'session_update', 'reminder', 'minutes_approved', 'measure_status', 'action_digest',
             'plan_review', 'account')
NEW_KINDS = ('invitation', 'session_update', 'reminder', 'minutes_approved', 'measure_status', 'action_digest',
             'plan_review', 'milestone', 'account')
MAIL_KIND_COLUMNS = (('outbox_mail', 'mail_kind'), ('mail_preference', 'mail_preference_kind'))
PHASES = ('preparation', 'kickoff', 'workshops', 'consolidation', 'prioritisation', 'adoption', 'implementation',
          'update')


def _kinds(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _mail_kinds(kinds):
    for table, name in MAIL_KIND_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), _kinds(kinds))


def upgrade():
    op.create_table('process_phase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.Enum(*PHASES, name='process_phase_phase', native_enum=False, create_constraint=True,
                               length=18), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['process_id'], ['process.id'], name=op.f('fk_process_phase_process_id_process'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_phase')),
    sa.UniqueConstraint('process_id', 'phase', name=op.f('uq_process_phase_process_id_phase'))
    )
    with op.batch_alter_table('process_phase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_phase_process_id'), ['process_id'], unique=False)

    # milestone is referenced by no other table: rebuilding it on SQLite loses nothing.
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_organization_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('owner_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reminded_due_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_milestone_owner_person_id'), ['owner_person_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_milestone_owner_organization_id_organization'), 'organization',
                                    ['owner_organization_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_milestone_owner_person_id_person'), 'person',
                                    ['owner_person_id'], ['id'], ondelete='SET NULL')

    _mail_kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM outbox_mail WHERE kind = 'milestone'")
    op.execute("DELETE FROM mail_preference WHERE kind = 'milestone'")
    _mail_kinds(OLD_KINDS)
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_milestone_owner_person_id_person'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_milestone_owner_organization_id_organization'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_milestone_owner_person_id'))
        batch_op.drop_column('reminded_due_on')
        batch_op.drop_column('owner_person_id')
        batch_op.drop_column('owner_organization_id')

    with op.batch_alter_table('process_phase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_phase_process_id'))

    op.drop_table('process_phase')
