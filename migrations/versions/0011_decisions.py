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
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_decisions'
down_revision = '0010_room'
branch_labels = None
depends_on = None

OLD_KINDS = ('invitation', 'session_update', 'reminder', 'minutes_approved', 'measure_status', 'action_digest',
             'plan_review', 'milestone', 'account')
NEW_KINDS = ('invitation', 'session_update', 'reminder', 'minutes_approved', 'measure_status', 'action_digest',
             'plan_review', 'milestone', 'round', 'supported', 'account')
MAIL_KIND_COLUMNS = (('outbox_mail', 'mail_kind'), ('mail_preference', 'mail_preference_kind'))


def _kinds(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _mail_kinds(kinds):
    for table, name in MAIL_KIND_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), _kinds(kinds))


# Reasons the system wrote before, in German or English: (pattern, message key, how the score is written).
REASONS = (
    (r"^(?:Zusammengeführt (?:in|mit) „(?P<title>.*)“|Merged into “(?P<title_en>.*)”)$", "measure.merged_into", None),
    (r"^(?:Zusammenführung in „(?P<title>.*)“ rückgängig gemacht|Merge into “(?P<title_en>.*)” undone)$",
     "measure.unmerged", None),
    (r"^carried over from measure (?P<id>\d+)$", "measure.carried_over", None),
    (r"^Priorisierungsrunde „(?P<title>.*)“: Rang (?P<rank>\d+) mit (?P<score>[\d.,]+) Punkten$",
     "prioritisation.prioritised_dots", "de"),
    (r"^Priorisierungsrunde „(?P<title>.*)“: Rang (?P<rank>\d+) mit einer Wertung von (?P<score>[\d.,]+)$",
     "prioritisation.prioritised_scoring", "de"),
    (r"^Prioritisation round “(?P<title>.*)”: rank (?P<rank>\d+) with (?P<score>[\d.,]+) points$",
     "prioritisation.prioritised_dots", "en"),
    (r"^Prioritisation round “(?P<title>.*)”: rank (?P<rank>\d+) with a score of (?P<score>[\d.,]+)$",
     "prioritisation.prioritised_scoring", "en"),
)


def reason_message(reason, merged_into_id=None):
    """The message a reason the system wrote stands for, or None (a person's own words stay as they are)."""
    for pattern, key, number_style in REASONS:
        match = re.match(pattern, (reason or "").strip())
        if match is None:
            continue
        params = {name: value for name, value in match.groupdict().items() if value is not None}
        if "title_en" in params:
            params["title"] = params.pop("title_en")
        if "id" in params:
            params["id"] = int(params["id"])
        elif key == "measure.merged_into" and merged_into_id is not None:
            params["id"] = merged_into_id
        if "rank" in params:
            params["rank"] = int(params["rank"])
        if "score" in params:
            score = params["score"]
            score = score.replace(".", "").replace(",", ".") if number_style == "de" else score.replace(",", "")
            params["score"] = {"decimal": score}
        return {"key": key, "params": params}
    return None


def _convert_reasons():
    bind = op.get_bind()
    transition = sa.table('measure_transition', sa.column('id', sa.Integer), sa.column('measure_id', sa.Integer),
                          sa.column('reason', sa.Text), sa.column('reason_message', sa.JSON))
    measure = sa.table('measure', sa.column('id', sa.Integer), sa.column('merged_into_id', sa.Integer))
    rows = bind.execute(sa.select(transition.c.id, transition.c.reason, measure.c.merged_into_id)
                        .join(measure, measure.c.id == transition.c.measure_id)
                        .where(transition.c.reason != '', transition.c.reason_message.is_(None))).all()
    for row_id, reason, merged_into_id in rows:
        found = reason_message(reason, merged_into_id)
        if found is not None:
            bind.execute(transition.update().where(transition.c.id == row_id).values(reason_message=found))


def upgrade():
    op.add_column('measure_transition', sa.Column('reason_message', sa.JSON(), nullable=True))
    op.add_column('audit_event', sa.Column('summary_message', sa.JSON(), nullable=True))
    _mail_kinds(NEW_KINDS)
    _convert_reasons()


def downgrade():
    op.execute("DELETE FROM outbox_mail WHERE kind IN ('round', 'supported')")
    op.execute("DELETE FROM mail_preference WHERE kind IN ('round', 'supported')")
    _mail_kinds(OLD_KINDS)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('summary_message')
    with op.batch_alter_table('measure_transition', schema=None) as batch_op:
        batch_op.drop_column('reason_message')
