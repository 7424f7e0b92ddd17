"""Texts the processes feature writes into records (tracker.messages), and its fields' names for the audit log."""

from flask_babel import lazy_gettext as _l

from tracker.labels import register_fields
from tracker.messages import register_enum, register_messages
from tracker.processes.models import Phase

register_enum("phase", Phase)
register_messages({
    "processes.changed": _l("%(process)s: %(fields)s"),
    "processes.steering_group": _l("%(process)s: steering group"),
    "processes.approvals_needed": _l("approvals needed → %(count)s"),
    "processes.phase": _l("phase → %(phase)s"),
})
# The set-up page's fields (and the plan's texts, which are the process's), as the audit log names them.
register_fields("process", {
    "name": _l("Name of the process"), "city": _l("City"), "starts_on": _l("Starts on"), "ends_on": _l("Ends on"),
    "contact_name": _l("Contact person"), "contact_email": _l("Contact email"), "partners": _l("Steering partners"),
    "phases": _l("Phases"), "purpose": _l("What the masterplan is for"), "foreword": _l("Foreword"),
    "plan_language": _l("Language of the plan documents"), "steering": _l("Steering group"),
    "approvals_needed": _l("Approvals a plan version needs"),
})
