"""Texts the hubs feature writes into the audit log (tracker.messages)."""

from flask_babel import lazy_gettext as _l

from tracker.messages import register_messages

register_messages({
    "hubs.delegate_added": _l("delegate %(person)s added"),
    "hubs.delegate_removed": _l("delegate %(person)s removed"),
})
