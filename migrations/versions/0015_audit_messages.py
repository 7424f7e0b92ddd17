"""audit summaries written before they were message keys

Revision ID: 0015_audit_messages
Revises: 0014_import_jobs
Create Date: 2026-12-01 22:00:00

Issue 18, item 8: audit summaries the system wrote in English ("paper tally 3: 12 people", "phase →
adoption") get the message key that new entries carry, so the log reads them in the reader's language.
Only summaries that match a known pattern exactly are converted; the text column stays as it was.
"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_audit_messages'
down_revision = '0014_import_jobs'
branch_labels = None
depends_on = None

BATCH = 1000


def _number(value):
    return {"decimal": value}


# (the actions that wrote it, the old summary's pattern, message key, how its groups become parameters):
# a pattern counts only for the actions that wrote it, so no name a user typed is mistaken for one.
PATTERNS = [
    ({"tally", "tally_removed"}, r"paper tally (\d+): (\d+) people", "prioritisation.paper_tally",
     lambda m: {"id": int(m[1]), "num": _number(m[2])}),
    ({"vote"}, r"ballot of user (\d+)", "prioritisation.ballot", lambda m: {"user": int(m[1])}),
    ({"vote"}, r"room ballot of phone (\d+)", "prioritisation.room_ballot", lambda m: {"phone": int(m[1])}),
    ({"room_token"}, r"phone (\d+)", "room.phone", lambda m: {"id": int(m[1])}),
    ({"update"}, r"delegate (\d+) added", "hubs.delegate_added", lambda m: {"person": int(m[1])}),
    ({"update"}, r"delegate (\d+) removed", "hubs.delegate_removed", lambda m: {"person": int(m[1])}),
    ({"create"}, r"comment on measure (\d+)", "audit.comment_on_measure", lambda m: {"id": int(m[1])}),
    ({"create"}, r"review comment on (\w+)", "plan.review_comment", lambda m: {"section": m[1]}),
    ({"update"}, r"resolved", "plan.comment_resolved", lambda m: {}),
    ({"update"}, r"reopened", "plan.comment_reopened", lambda m: {}),
    ({"create"}, r"update of process (\d+): (\d+) measures carried over", "plan.update_started",
     lambda m: {"id": int(m[1]), "num": _number(m[2])}),
    ({"create"}, r"plan version “(.*)”", "plan.version_created", lambda m: {"label": m[1]}),
    ({"approve"}, r"approval (\d+) of (\d+)", "plan.approval", lambda m: {"given": int(m[1]), "needed": int(m[2])}),
    ({"update"}, r"approvals needed → (\d+)", "processes.approvals_needed", lambda m: {"count": int(m[1])}),
    ({"update"}, r"phase → (\w+)", "processes.phase", lambda m: {"phase": {"enum": "phase", "value": m[1]}}),
    ({"minutes_saved"}, r"revision (\d+)", "sessions.minutes_revision", lambda m: {"number": int(m[1])}),
    ({"create", "anonymise"}, r"person (\d+)", "organizations.person", lambda m: {"id": int(m[1])}),
    ({"reject_registration"}, r"registration (\d+)", "registration.request", lambda m: {"id": int(m[1])}),
]
COMPILED = [(actions, re.compile(pattern), key, params) for actions, pattern, key, params in PATTERNS]


def message_for(action, summary):
    """The stored message for an old summary, or None when it matches no pattern of its action exactly."""
    for actions, pattern, key, params in COMPILED:
        match = pattern.fullmatch(summary or "") if action in actions else None
        if match:
            return {"key": key, "params": params(match)}
    return None


def upgrade():
    audit = sa.table("audit_event", sa.column("id", sa.Integer), sa.column("action", sa.String),
                     sa.column("summary", sa.String), sa.column("summary_message", sa.JSON))
    connection = op.get_bind()
    last = 0
    while True:
        # (no SQL filter on the message: an empty one may be SQL NULL or JSON null, depending on who wrote it)
        rows = connection.execute(sa.select(audit.c.id, audit.c.action, audit.c.summary, audit.c.summary_message)
                                  .where(audit.c.id > last).order_by(audit.c.id).limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1].id
        updates = [{"row_id": row.id, "message": message} for row in rows
                   if not row.summary_message and (message := message_for(row.action, row.summary)) is not None]
        if updates:
            connection.execute(audit.update().where(audit.c.id == sa.bindparam("row_id"))
                               .values(summary_message=sa.bindparam("message", type_=sa.JSON)), updates)


def downgrade():
    """Nothing to undo: the schema is unchanged and the summaries' text was kept."""
