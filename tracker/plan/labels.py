"""Labels of the plan's enums."""

from flask_babel import lazy_gettext as _l

from tracker.labels import register_fields, register_labels, register_object
from tracker.measures.models import Horizon, MeasureStatus
from tracker.messages import plural_message, register_enum, register_messages
from tracker.plan.models import PlanStatus

register_labels([
    (PlanStatus.DRAFT, _l("Draft")),
    (PlanStatus.IN_REVIEW, _l("In review")),
    (PlanStatus.APPROVED, _l("Approved")),
    (PlanStatus.SUPERSEDED, _l("Superseded")),
])

register_object("plan_version", _l("Plan version"), "plan.version", "version_id")
register_object("review_comment", _l("Review comment"))
register_fields("plan_version", {"label": _l("Label"), "approved_at": _l("Approved on")}, {"status": PlanStatus})
register_enum("plan_status", PlanStatus)
register_messages({
    "plan.approval": _l("approval %(given)s of %(needed)s"),
    "plan.version_created": _l("plan version “%(label)s”"),
    "plan.texts_changed": _l("plan text: %(fields)s"),
    # section: the section's key ("foreword", a chapter's key): its title depends on the version's language
    "plan.review_comment": _l("review comment on %(section)s"),
    "plan.comment_resolved": _l("resolved"),
    "plan.comment_reopened": _l("reopened"),
    "plan.update_started": plural_message("update of process %(id)s: %(num)s measure carried over",
                                          "update of process %(id)s: %(num)s measures carried over"),
})
# The fields of a measure in a frozen version, as the comparison of two versions names them.
register_fields("plan_measure", {
    "ref": _l("No."), "title": _l("Title"), "description": _l("What we do"), "approach": _l("How we do it"),
    "expected_effect": _l("Expected effect"), "status": _l("Status"), "horizon": _l("Horizon"),
    "cost_estimate": _l("Cost estimate"), "responsible": _l("Responsible"), "is_focus_project": _l("Focus project"),
    "goal_number": _l("Guiding goal"), "hub": _l("Hub"),
}, {"status": MeasureStatus, "horizon": Horizon})
