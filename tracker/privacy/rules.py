"""An anonymised person is gone for good: nobody invites, mails or chooses them again.

Kept free of other features' imports, so every service that picks a person (attendance, action
items, hub delegates) can ask here without an import cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from tracker.errors import Invalid

if TYPE_CHECKING:
    from tracker.organizations.models import Person

GONE = _l("This person has been anonymised and can no longer be chosen.")


def is_anonymised(person: Person | None) -> bool:
    return person is not None and person.anonymised_at is not None


def refuse_anonymised(person: Person | None, field: str) -> None:
    """Invalid (on `field`) when the chosen person was anonymised."""
    if is_anonymised(person):
        raise Invalid(GONE, field)
