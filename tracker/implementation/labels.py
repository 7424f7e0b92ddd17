from flask_babel import lazy_gettext as _l

from tracker.implementation.models import Light
from tracker.labels import register_fields, register_labels
from tracker.messages import register_enum, register_messages

register_labels([(Light.GREEN, _l("On track")), (Light.YELLOW, _l("Needs attention")), (Light.RED, _l("At risk"))])
register_enum("light", Light)
# Texts the implementation feature writes into the audit log (tracker.messages).
register_messages({
    "implementation.progress": _l("%(percent)s, %(light)s"),
    "implementation.milestone_owner": _l("owner → %(owner)s"),
    "implementation.indicator_value": _l("%(indicator)s: %(value)s"),
})
# A progress report's details in the audit log (recorded on the measure).
register_fields("measure", {"percent": _l("Progress in percent"), "light": _l("Traffic light"), "date": _l("Date")},
                {"light": Light})
