"""Texts the API writes into the audit log (tracker.messages)."""

from flask_babel import lazy_gettext as _l

from tracker.messages import register_messages

register_messages({
    "api.token_created": _l("API token %(prefix)s… for user %(user)s"),
    "api.token": _l("API token %(prefix)s…"),
})
