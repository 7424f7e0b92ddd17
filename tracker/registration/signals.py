"""What happens to registrations, for other features to react to (mail).

The sender is the process (the request for `registration_approved`); keyword arguments as listed.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Someone filed the form with the email of a person who has an account: nothing is stored, the page
# answers as for anyone, and only the owner of the address learns of it (by mail).
account_holder_registered = _signals.signal("account-holder-registered")  # person

# A request was filed: its registrant hears that it arrived (in the language of the form).
registration_received = _signals.signal("registration-received")  # request, language

# A request was approved; everyone it registered for its event gets the event's calendar entry.
# Sender: the request.
registration_approved = _signals.signal("registration-approved")  # attendances, by
