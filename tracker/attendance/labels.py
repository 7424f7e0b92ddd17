"""UI labels of the attendance feature's own enums."""

from flask_babel import lazy_gettext as _l

from tracker.attendance.models import ImportStatus
from tracker.labels import register_labels

register_labels([
    (ImportStatus.PENDING, _l("Waiting for confirmation")),
    (ImportStatus.IMPORTED, _l("Imported")),
])
