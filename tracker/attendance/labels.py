"""UI labels of the attendance feature's own enums, and the texts it writes into the audit log."""

from flask_babel import lazy_gettext as _l

from tracker.attendance.models import ImportStatus
from tracker.labels import register_labels
from tracker.messages import plural_message, register_messages

register_labels([
    (ImportStatus.PENDING, _l("Waiting for confirmation")),
    (ImportStatus.QUEUED, _l("Being imported")),
    (ImportStatus.IMPORTED, _l("Imported")),
])
register_messages({
    "attendance.imported_rows": plural_message("%(num)s row from %(file)s", "%(num)s rows from %(file)s"),
    "attendance.import_rows_invalid": plural_message(
        "Nothing was imported: %(num)s row has an error now.", "Nothing was imported: %(num)s rows have errors now."),
    "attendance.import_refused": _l("Nothing was imported: %(reason)s"),
    "attendance.import_failed": _l("The import stopped with an error; nothing was imported. You can start it again."),
})
