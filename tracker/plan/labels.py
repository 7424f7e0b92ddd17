"""Labels of the plan's enums."""

from flask_babel import lazy_gettext as _l

from tracker.labels import register_labels
from tracker.plan.models import PlanStatus

register_labels([
    (PlanStatus.DRAFT, _l("Draft")),
    (PlanStatus.IN_REVIEW, _l("In review")),
    (PlanStatus.APPROVED, _l("Approved")),
    (PlanStatus.SUPERSEDED, _l("Superseded")),
])
