"""Texts the room feature writes into the audit log (tracker.messages)."""

from flask_babel import lazy_gettext as _l

from tracker.messages import register_messages

register_messages({"room.phone": _l("phone %(id)s")})
