"""UI labels of the registration feature's own enums."""

from flask_babel import lazy_gettext as _l

from tracker.labels import register_labels
from tracker.registration.models import RequestStatus

register_labels([
    (RequestStatus.PENDING, _l("Waiting for a decision")),
    (RequestStatus.APPROVED, _l("Approved")),
    (RequestStatus.REJECTED, _l("Rejected")),
])
