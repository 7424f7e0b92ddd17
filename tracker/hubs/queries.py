"""Reading hub memberships (no rules, no writes): used by permissions and by other features."""

from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.hubs.models import HubMembership
from tracker.organizations.models import Organization
from tracker.processes.models import Process


def current_membership(organization: Organization | None, process: Process) -> HubMembership | None:
    """The organisation's current (not left) membership in a hub of the process."""
    if organization is None:
        return None
    return db.session.scalar(
        select(HubMembership).where(
            HubMembership.organization_id == organization.id,
            HubMembership.process_id == process.id,
            HubMembership.left_at.is_(None),
        )
    )


def current_hub_id_of(organization: Organization | None, process: Process) -> int | None:
    membership = current_membership(organization, process)
    return membership.hub_id if membership else None


def is_member(organization: Organization | None, hub) -> bool:
    """The organisation currently works in this hub."""
    return organization is not None and current_hub_id_of(organization, hub.process) == hub.id


def membership_history(organization: Organization, process: Process) -> list[HubMembership]:
    return list(db.session.scalars(
        select(HubMembership).where(HubMembership.organization_id == organization.id,
                                    HubMembership.process_id == process.id)
        .order_by(HubMembership.joined_at, HubMembership.id)
    ))
