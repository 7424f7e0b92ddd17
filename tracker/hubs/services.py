"""Hub membership rules: one hub per organisation per process, moves keep history."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.audit.services import record
from tracker.extensions import db
from tracker.hubs.models import Hub, HubMembership
from tracker.model_types import utcnow
from tracker.organizations.models import Organization
from tracker.privacy.rules import refuse_anonymised
from tracker.processes.models import Process


class MembershipConflict(ValueError):
    """The organisation already belongs to another hub of the process."""


def current_membership(organization: Organization, process: Process) -> HubMembership | None:
    return db.session.scalar(
        select(HubMembership).where(
            HubMembership.organization_id == organization.id,
            HubMembership.process_id == process.id,
            HubMembership.left_at.is_(None),
        )
    )


def join_hub(organization: Organization, hub: Hub, *, by=None) -> HubMembership:
    """Make the organisation a member of the hub; refused if it already chose another hub."""
    existing = current_membership(organization, hub.process)
    if existing is not None:
        if existing.hub_id == hub.id:
            return existing
        raise MembershipConflict(
            _("%(organization)s already works in the hub “%(hub)s” of this process. "
              "Move it instead of adding it twice.", organization=organization.name, hub=existing.hub.name)
        )
    membership = HubMembership(process_id=hub.process_id, hub=hub, organization=organization,
                               created_by_id=getattr(by, "id", None))
    db.session.add(membership)
    db.session.flush()
    record("join_hub", membership, by=by, summary=f"{organization.name} → {hub.short_name}",
           changes={"organization_id": organization.id, "hub_id": hub.id})
    return membership


def move_to_hub(organization: Organization, hub: Hub, *, by=None) -> HubMembership:
    """Close the current membership and open one in the new hub; the old row stays as history."""
    existing = current_membership(organization, hub.process)
    if existing is not None and existing.hub_id == hub.id:
        return existing
    delegates = list(existing.delegates) if existing else []
    if existing is not None:
        existing.left_at = utcnow()
        db.session.flush()
    membership = HubMembership(process_id=hub.process_id, hub=hub, organization=organization,
                               created_by_id=getattr(by, "id", None), delegates=delegates)
    db.session.add(membership)
    db.session.flush()
    record("move_hub", membership, by=by, summary=f"{organization.name} → {hub.short_name}",
           changes={"hub_id": [existing.hub_id if existing else None, hub.id]})
    return membership


def membership_history(organization: Organization, process: Process) -> list[HubMembership]:
    return list(db.session.scalars(
        select(HubMembership).where(HubMembership.organization_id == organization.id,
                                    HubMembership.process_id == process.id)
        .order_by(HubMembership.joined_at, HubMembership.id)
    ))


def remove_delegate(membership: HubMembership, person, *, by=None) -> None:
    if person in membership.delegates:
        membership.delegates.remove(person)
        record("update", membership, by=by, summary=f"delegate {person.id} removed",
               changes={"delegate_removed": person.id})


def add_delegate(membership: HubMembership, person, *, by=None) -> None:
    refuse_anonymised(person, "person_id")
    if person not in membership.delegates:
        membership.delegates.append(person)
        record("update", membership, by=by, summary=f"delegate {person.id} added",
               changes={"delegate_added": person.id})
