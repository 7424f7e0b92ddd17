"""Texts the accounts feature writes into the audit log (tracker.messages), and the names of a login's fields."""

from flask_babel import lazy_gettext as _l

from tracker.accounts.models import Role
from tracker.labels import register_fields
from tracker.messages import register_enum, register_messages

register_enum("role", Role)
register_messages({
    "accounts.user_created": _l("%(email)s (%(role)s)"),
    "accounts.user_changed": _l("%(email)s: %(fields)s"),
})
# A login's changes include those of its person (update_user).
register_fields("user", {"email": _l("Email"), "function": _l("Function"), "organization_id": _l("Organisation"),
                         "is_active_account": _l("Account active")})
