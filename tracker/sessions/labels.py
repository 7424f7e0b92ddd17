"""Texts the sessions feature writes into the audit log (tracker.messages)."""

from flask_babel import lazy_gettext as _l

from tracker.messages import register_messages

register_messages({"sessions.minutes_revision": _l("revision %(number)s")})
