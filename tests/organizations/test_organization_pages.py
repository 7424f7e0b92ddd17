"""Organisations: partners create and edit them, a representative edits their own, names stay unique."""

from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.organizations.models import Organization, OrganizationType, SizeClass


def _form(**overrides):
    data = {"name": "Alpha GmbH", "type": "company", "sector": "Handel", "size_class": "", "website": ""}
    data.update(overrides)
    return data


def test_a_moderator_creates_an_organisation(client, world, login):
    login(world.moderator_a)
    response = client.post("/organizations/new", data=_form(name="Delta  Druck", type="crafts", size_class="micro"))
    assert response.status_code == 302
    delta = db.session.scalar(select(Organization).where(Organization.name == "Delta Druck"))
    assert delta.type == OrganizationType.CRAFTS and delta.size_class == SizeClass.MICRO
    assert not delta.consents_to_be_named
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "organization",
                                                      AuditEvent.object_id == delta.id)).action == "create"


def test_a_name_that_exists_is_refused_and_the_input_kept(client, world, login):
    login(world.steering)
    response = client.post("/organizations/new", data=_form(name="alpha  gmbh", sector="Logistik im Hafen"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Es gibt bereits eine Organisation namens „Alpha GmbH“." in page
    assert "Logistik im Hafen" in page
    assert db.session.scalar(select(db.func.count()).select_from(Organization).where(
        Organization.name_key == "alpha gmbh")) == 1


def test_a_representative_edits_their_own_organisation_and_consents_to_be_named(client, world, login):
    login(world.company_a)
    form = client.get(f"/organizations/{world.org_a.id}/edit").get_data(as_text=True)
    assert 'value="Alpha GmbH"' in form
    response = client.post(f"/organizations/{world.org_a.id}/edit",
                           data=_form(name="Alpha Logistik GmbH", website="https://alpha.example.org",
                                      consents_to_be_named="y"))
    assert response.status_code == 302
    db.session.expire_all()
    org = db.session.get(Organization, world.org_a.id)
    assert (org.name, org.website, org.consents_to_be_named) == ("Alpha Logistik GmbH",
                                                                 "https://alpha.example.org", True)
    assert "Ja" in client.get(f"/organizations/{org.id}").get_data(as_text=True)


def test_nobody_edits_another_organisation_unless_steering(client, world, login):
    login(world.company_a)
    assert client.post(f"/organizations/{world.org_b.id}/edit", data=_form(name="Gekapert")).status_code == 403
    login(world.moderator_a)
    assert client.get(f"/organizations/{world.org_b.id}/edit").status_code == 403
    login(world.company_a)
    assert client.get("/organizations/new").status_code == 403
    db.session.expire_all()
    assert db.session.get(Organization, world.org_b.id).name == "Beta GmbH"


def test_a_script_address_is_not_accepted_as_website(client, world, login):
    login(world.steering)
    response = client.post(f"/organizations/{world.org_b.id}/edit",
                           data=_form(name="Beta GmbH", website="javascript:alert(1)"))
    assert response.status_code == 400
    assert "javascript:" not in (db.session.get(Organization, world.org_b.id).website or "")
