"""UI labels of the registration feature's own enums, and the texts it writes into the audit log."""

from flask_babel import lazy_gettext as _l

from tracker.labels import register_labels
from tracker.messages import register_messages
from tracker.registration.models import RequestStatus

register_labels([
    (RequestStatus.PENDING, _l("Waiting for a decision")),
    (RequestStatus.APPROVED, _l("Approved")),
    (RequestStatus.REJECTED, _l("Rejected")),
])
register_messages({
    "registration.request": _l("registration %(id)s"),
    "registration.requested": _l("registration %(id)s → %(hub)s"),
    "registration.approved": _l("registration %(id)s → %(organization)s (%(hub)s)"),
    "registration.delegate_invited": _l("registration %(id)s: person %(person)s invited"),
})
