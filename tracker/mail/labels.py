from flask_babel import lazy_gettext as _l

from tracker.labels import register_labels
from tracker.mail.models import MailKind, MailStatus

register_labels([
    (MailKind.INVITATION, _l("Invitations to sessions")),
    (MailKind.SESSION_UPDATE, _l("Changed or cancelled sessions")),
    (MailKind.REMINDER, _l("Reminders the day before")), (MailKind.MINUTES_APPROVED, _l("Approved minutes")),
    (MailKind.MEASURE_STATUS, _l("Status of my proposals")), (MailKind.ACTION_DIGEST, _l("Weekly open action items")),
    (MailKind.PLAN_REVIEW, _l("Plan versions to review")),
    (MailKind.MILESTONE, _l("Milestones of mine that are due soon")),
    (MailKind.ROUND, _l("Prioritisation rounds opened and their results")),
    (MailKind.SUPPORTED_MEASURE, _l("Adoption or rejection of measures my organisation supports")),
    (MailKind.ACCOUNT, _l("Account")), (MailStatus.QUEUED, _l("Queued")), (MailStatus.SENDING, _l("Sending")),
    (MailStatus.SENT, _l("Sent")), (MailStatus.FAILED, _l("Failed")),
])
