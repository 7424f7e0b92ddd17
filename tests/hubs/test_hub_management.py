"""Managing hubs and their members: who may, and what the database holds afterwards."""

import pytest
from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.hubs.models import Hub, HubMembership
from tracker.organizations.models import Organization, Person


def _hub_data(**overrides):
    data = {"name": "Hub C", "short_name": "C", "colour": "#123456", "description": "Neu", "position": 3}
    data.update(overrides)
    return data


@pytest.mark.parametrize("role,allowed", [("steering", True), ("admin", True), ("moderator_a", False),
                                          ("company_a", False)])
def test_who_creates_hubs(client, world, login, role, allowed):
    login(getattr(world, role))
    response = client.post(f"/hubs/new/{world.process.id}",
                           data=_hub_data(lead_organization_ids=[world.partner.id],
                                          moderator_ids=[world.moderator_a.id]))
    hub = db.session.scalar(select(Hub).where(Hub.name == "Hub C"))
    assert (hub is not None) is allowed
    assert response.status_code == (302 if allowed else 403)
    if allowed:
        assert [o.id for o in hub.lead_organizations] == [world.partner.id]
        assert [u.id for u in hub.moderators] == [world.moderator_a.id]


def test_bad_colour_and_duplicate_name_are_shown_at_their_fields(client, world, login):
    login(world.steering)
    response = client.post(f"/hubs/new/{world.process.id}", data=_hub_data(name="Hub A", colour="blau"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "#1f5f99" in page and 'value="blau"' in page


def test_stale_hub_edit_is_a_conflict(client, world, login):
    login(world.steering)
    version = world.hub_a.version
    first = client.post(f"/hubs/{world.hub_a.id}/edit", data=_hub_data(name="Hub A1", version=version))
    assert first.status_code == 302
    second = client.post(f"/hubs/{world.hub_a.id}/edit", data=_hub_data(name="Hub A2", version=version))
    assert second.status_code == 409 and "Hub A2" in second.get_data(as_text=True)
    db.session.refresh(world.hub_a)
    assert world.hub_a.name == "Hub A1"


def test_company_changes_its_hub_and_the_history_stays(client, world, login):
    login(world.company_a)
    response = client.post(f"/hubs/choose/{world.process.id}", data={"hub_id": world.hub_b.id})
    assert response.status_code == 302
    rows = db.session.scalars(select(HubMembership).where(HubMembership.organization_id == world.org_a.id)
                              .order_by(HubMembership.id)).all()
    assert [(m.hub_id, m.left_at is None) for m in rows] == [(world.hub_a.id, False), (world.hub_b.id, True)]
    assert rows[1].delegates == [world.company_a.person]  # delegates move along


def test_moderator_adds_a_new_organisation_with_a_delegate(client, world, login):
    login(world.moderator_a)
    response = client.post(f"/hubs/{world.hub_a.id}/members/add", data={
        "organization_id": 0, "new_organization": "Gamma  GmbH", "new_organization_type": "company",
        "delegate_name": "Greta Gamma", "delegate_email": "Greta@Gamma.example"})
    assert response.status_code == 302
    gamma = db.session.scalar(select(Organization).where(Organization.name == "Gamma GmbH"))
    membership = db.session.scalar(select(HubMembership).where(HubMembership.organization_id == gamma.id))
    assert membership.hub_id == world.hub_a.id
    assert [p.email for p in membership.delegates] == ["greta@gamma.example"]


def test_existing_organisation_and_person_are_reused_not_duplicated(client, world, login):
    login(world.moderator_a)
    known = factories.person(name="Bekannt", email="bekannt@example.org")
    db.session.commit()
    client.post(f"/hubs/{world.hub_a.id}/members/add", data={
        "organization_id": 0, "new_organization": "ALPHA gmbh", "new_organization_type": "company",
        "delegate_name": "Andere Schreibweise", "delegate_email": "BEKANNT@example.org"})
    assert db.session.scalar(select(Organization).where(Organization.name_key == "alpha gmbh")).id == world.org_a.id
    assert len(db.session.scalars(select(Person).where(Person.email == "bekannt@example.org")).all()) == 1
    membership = db.session.scalar(select(HubMembership).where(HubMembership.organization_id == world.org_a.id))
    assert known in membership.delegates


def test_organisation_of_another_hub_is_refused_with_a_message(client, world, login):
    login(world.moderator_a)
    response = client.post(f"/hubs/{world.hub_a.id}/members/add", data={"organization_id": world.org_b.id,
                                                                        "new_organization_type": "company"})
    assert response.status_code == 409
    assert "bereits im Hub" in response.get_data(as_text=True)


def test_moderator_cannot_manage_another_hubs_members(client, world, login):
    login(world.moderator_a)
    membership = db.session.scalar(select(HubMembership).where(HubMembership.hub_id == world.hub_b.id))
    assert client.post(f"/hubs/{world.hub_b.id}/members/add", data={"organization_id": world.partner.id}
                       ).status_code == 403
    response = client.post(f"/hubs/{world.hub_b.id}/members/{membership.id}/delegates/"
                           f"{world.company_b.person.id}/remove")
    assert response.status_code == 403
    db.session.refresh(membership)
    assert world.company_b.person in membership.delegates
