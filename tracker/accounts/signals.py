"""What happens to accounts. The sender is the user."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

set_password_link_created = _signals.signal("set-password-link-created")  # link, by
password_reset_requested = _signals.signal("password-reset-requested")  # email, link; sender None: no account
