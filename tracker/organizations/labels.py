"""Texts the organisations feature writes into the audit log (tracker.messages)."""

from flask_babel import lazy_gettext as _l

from tracker.labels import register_fields, register_labels
from tracker.messages import register_enum, register_messages
from tracker.organizations.models import ConsentPurpose

register_labels([(ConsentPurpose.CONTACT, _l("may be contacted")),
                 (ConsentPurpose.NAMED_IN_PLAN, _l("may be named in the plan"))])
register_enum("consent_purpose", ConsentPurpose)
register_messages({
    "organizations.person": _l("person %(id)s"),
    "organizations.consent": _l("person %(id)s: %(purpose)s (text version %(version)s)"),
})
# A recorded consent's details in the audit log (recorded on the person).
register_fields("person", {"purpose": _l("Consent")}, {"purpose": ConsentPurpose})
