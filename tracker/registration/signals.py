"""What happens on the public registration form, for other features to react to (mail).

The sender is the process; keyword arguments as listed.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Someone filed the form with the email of a person who has an account: nothing is stored, the page
# answers as for anyone, and only the owner of the address learns of it (by mail).
account_holder_registered = _signals.signal("account-holder-registered")  # person
