"""four eyes on plan versions

Revision ID: 0006_four_eyes
Revises: 0005_setup
Create Date: 2026-12-01 15:30:00

Issue 18, item 4: a plan version is approved by at least `process.approvals_needed` steering members
other than the one who submitted it (default 2). Each approval is a row of plan_approval; the version
remembers who submitted it; reviewers get a mail of the new kind "plan_review".
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_four_eyes'
down_revision = '0005_setup'
branch_labels = None
depends_on = None

OLD_KINDS = ('invitation', 'session_update', 'reminder', 'minutes_approved', 'measure_status', 'action_digest',
             'account')
NEW_KINDS = ('invitation', 'session_update', 'reminder', 'minutes_approved', 'measure_status', 'action_digest',
             'plan_review', 'account')
MAIL_KIND_COLUMNS = (('outbox_mail', 'mail_kind'), ('mail_preference', 'mail_preference_kind'))


def _kinds(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _mail_kinds(kinds):
    for table, name in MAIL_KIND_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), _kinds(kinds))


def upgrade():
    op.create_table('plan_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_version_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_version_id'], ['plan_version.id'],
                            name=op.f('fk_plan_approval_plan_version_id_plan_version'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_plan_approval_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_approval')),
    sa.UniqueConstraint('plan_version_id', 'user_id', name=op.f('uq_plan_approval_plan_version_id_user_id'))
    )
    with op.batch_alter_table('plan_approval', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_approval_plan_version_id'), ['plan_version_id'], unique=False)

    # Columns are added in place: rebuilding plan_version on SQLite would drop it, and with it (ON DELETE
    # CASCADE) its comments and files; process is referenced by nearly every table.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE plan_version ADD COLUMN submitted_by_id INTEGER '
                   'CONSTRAINT fk_plan_version_submitted_by_id_user REFERENCES "user" (id)')
    else:
        op.add_column('plan_version', sa.Column('submitted_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_plan_version_submitted_by_id_user'), 'plan_version', 'user',
                              ['submitted_by_id'], ['id'])
    op.add_column('process', sa.Column('approvals_needed', sa.Integer(), server_default='2', nullable=False))

    _mail_kinds(NEW_KINDS)
    # Who submitted a version before: the audit trail knows (so a submitter cannot approve their own).
    op.execute("UPDATE plan_version SET submitted_by_id = (SELECT audit_event.user_id FROM audit_event "
               "WHERE audit_event.object_type = 'plan_version' AND audit_event.object_id = plan_version.id "
               "AND audit_event.action = 'transition' AND audit_event.summary = 'draft → in_review' "
               "ORDER BY audit_event.id DESC LIMIT 1) WHERE submitted_at IS NOT NULL")
    # Versions approved before four eyes keep their one approver as their approval.
    op.execute("INSERT INTO plan_approval (plan_version_id, user_id, created_at) "
               "SELECT id, approved_by_id, approved_at FROM plan_version "
               "WHERE approved_by_id IS NOT NULL AND approved_at IS NOT NULL")


def downgrade():
    op.execute("DELETE FROM outbox_mail WHERE kind = 'plan_review'")
    op.execute("DELETE FROM mail_preference WHERE kind = 'plan_review'")
    _mail_kinds(OLD_KINDS)
    op.drop_column('process', 'approvals_needed')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops a column with a foreign key only by rebuilding the table: without enforcing foreign
        # keys meanwhile, or dropping the old table would delete the versions' comments and files.
        op.execute('COMMIT')
        op.execute('PRAGMA foreign_keys = OFF')
        with op.batch_alter_table('plan_version', schema=None) as batch_op:
            batch_op.drop_column('submitted_by_id')
        op.execute('PRAGMA foreign_keys = ON')
    else:
        op.drop_constraint(op.f('fk_plan_version_submitted_by_id_user'), 'plan_version', type_='foreignkey')
        op.drop_column('plan_version', 'submitted_by_id')

    with op.batch_alter_table('plan_approval', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_approval_plan_version_id'))

    op.drop_table('plan_approval')
