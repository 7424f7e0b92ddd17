"""Texts the measures feature writes into records (tracker.messages), and its fields' names for the audit log."""

from flask_babel import lazy_gettext as _l

from tracker.measures.models import MeasureStatus
from tracker.messages import register_enum, register_messages

register_enum("measure_status", MeasureStatus)
register_messages({
    "measure.merged_into": _l("Merged into “%(title)s”"),
    "measure.unmerged": _l("Merge into “%(title)s” undone"),
    "measure.carried_over": _l("carried over from measure %(id)s"),
})
