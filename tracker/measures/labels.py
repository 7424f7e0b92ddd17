"""Texts the measures feature writes into records (tracker.messages), and its fields' names for the audit log."""

from flask_babel import lazy_gettext as _l

from tracker.labels import register_fields, register_object
from tracker.measures.models import Horizon, MeasureStatus
from tracker.messages import register_enum, register_messages

register_enum("measure_status", MeasureStatus)
register_messages({
    "measure.merged_into": _l("Merged into “%(title)s”"),
    "measure.unmerged": _l("Merge into “%(title)s” undone"),
    "measure.carried_over": _l("carried over from measure %(id)s"),
})
register_object("measure", _l("Measure"), "measures.show", "measure_id")
register_object("measure_comment", _l("Comment on a measure"))
register_fields("measure", {
    "description": _l("What we do"), "approach": _l("How we do it"), "expected_effect": _l("Expected effect"),
    "hub_id": _l("Hub"), "session_id": _l("Raised in"), "proposer_organization_id": _l("Proposed by"),
    "primary_goal_id": _l("Primary guiding goal"), "goal_ids": _l("Further guiding goals"), "horizon": _l("Horizon"),
    "cost_estimate": _l("Cost estimate"), "is_focus_project": _l("Focus project"),
    "responsible_organization_ids": _l("Responsible organisations"),
    "partner_organization_ids": _l("Partner organisations"), "supporter_added": _l("Supporter added"),
    "supporter_removed": _l("Supporter removed"), "merged_into_id": _l("Merged into"),
}, {"status": MeasureStatus, "horizon": Horizon, "status_before_merge": MeasureStatus})
