"""Column helpers shared by every feature's models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import Enum as SAEnum


def utcnow() -> datetime:
    """Now in UTC, naive: timestamps are stored as UTC without zone on every engine."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_type(enum_class: type[enum.Enum], name: str) -> SAEnum:
    """A portable enum column: stored as its string value, guarded by a named CHECK constraint."""
    return SAEnum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_class) + 4,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
