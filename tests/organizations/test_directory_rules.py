"""Organisations, people and processes: one service per action, the same answer from page, API and service."""

import re
import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.errors import Conflict, Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.organizations import services
from tracker.organizations.models import Organization, OrganizationType, Person, name_key
from tracker.permissions import SYSTEM
from tracker.processes import services as processes
from tracker.processes.models import Phase, Process
from tracker.registration import services as registration

COMPOSED = "Müller GmbH"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)
WITH_ZERO_WIDTH_SPACE = "Mül\u200bler GmbH"
SPELLINGS = [DECOMPOSED, WITH_ZERO_WIDTH_SPACE, "Mül\u00adler\ufeff  GmbH", "ＭÜＬＬＥＲ GmbH", "Müller\tGmbH\x01"]


def _form(**overrides):
    data = {"name": "Alpha GmbH", "type": "company", "sector": "Handel", "size_class": "", "website": ""}
    data.update(overrides)
    return data


def _organisations_named(name: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Organization).where(
        Organization.name_key == name_key(name)))


def test_organisation_names_are_unique_across_unicode_forms_and_invisible_characters(client, world, login, bearer):
    """Issue 16, finding 22: "Müller GmbH" composed, decomposed and with a zero-width space made three organisations."""
    assert DECOMPOSED != COMPOSED and len({name_key(s) for s in [COMPOSED, *SPELLINGS]}) == 1
    login(world.steering)
    assert client.post("/organizations/new", data=_form(name=COMPOSED)).status_code == 302
    headers = bearer(world.steering)
    for spelling in SPELLINGS:
        page = client.post("/organizations/new", data=_form(name=spelling))
        assert page.status_code == 409, spelling
        assert "Es gibt bereits eine Organisation namens „Müller GmbH“." in page.get_data(as_text=True)
        api = client.post("/api/v1/organizations", json={"name": spelling}, headers=headers)
        assert api.status_code == 409 and "name" in api.json["error"]["fields"], spelling
        with pytest.raises(Conflict):
            services.create_organization(by=SYSTEM, name=spelling)
        found, created = services.find_or_create_organization(spelling, by=SYSTEM)
        assert (found.name, created) == (COMPOSED, False)
    pending = registration.request_registration(
        world.process, hub=world.hub_a, name="Maria Müller", email="maria@mueller.example", function=None,
        organization_name=WITH_ZERO_WIDTH_SPACE, consent_contact=True, consent_named=False)
    assert [o.name for o in registration.suggestions(pending)] == [COMPOSED]
    with pytest.raises(Conflict):
        registration.approve(pending, by=world.admin, create_new=True)
    approved = registration.approve(pending, by=world.admin, organization=registration.suggestions(pending)[0])
    assert approved.organization.name == COMPOSED and not approved.created_organization
    db.session.commit()
    assert _organisations_named(COMPOSED) == 1


def test_a_new_name_is_stored_clean(client, world, bearer):
    response = client.post("/api/v1/organizations", json={"name": "Zeta\u200b\u00ad  Werke\u0007"},
                           headers=bearer(world.moderator_a))
    assert response.status_code == 201 and response.json["name"] == "Zeta Werke"


def _version_in(page: str) -> str:
    found = re.search(r'name="version" type="hidden" value="(\d*)"', page)
    return found.group(1) if found else ""


def test_concurrent_organisation_edits_conflict(client, world, login):
    """Issue 16, finding 17: a concurrent save of an organisation silently overwrote the other."""
    login(world.steering)
    mine = _version_in(client.get(f"/organizations/{world.org_b.id}/edit").get_data(as_text=True))
    theirs = _version_in(client.get(f"/organizations/{world.org_b.id}/edit").get_data(as_text=True))
    first = client.post(f"/organizations/{world.org_b.id}/edit", data=_form(name="Beta Eins", version=theirs))
    assert first.status_code == 302
    second = client.post(f"/organizations/{world.org_b.id}/edit",
                         data=_form(name="Beta Zwei", sector="Meine Eingabe", version=mine))
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Jemand anderes hat diese Organisation inzwischen geändert." in page
    assert 'value="Beta Zwei"' in page and "Meine Eingabe" in page
    db.session.expire_all()
    saved = db.session.get(Organization, world.org_b.id)
    assert saved.name == "Beta Eins" and saved.version == int(mine) + 1
    assert _version_in(page) == str(saved.version)  # saving again now replaces, knowingly
    with pytest.raises(StaleVersion):
        services.update_organization(saved, by=world.steering, expected_version=int(mine), name="Beta Drei",
                                     type=OrganizationType.COMPANY, sector=None, size_class=None, website=None,
                                     consents_to_be_named=False)


def test_the_organisation_services_refuse_who_may_not(world):
    with pytest.raises(NotAllowed):
        services.create_organization(by=world.company_a, name="Eigene Neue GmbH")
    with pytest.raises(NotAllowed):
        services.update_organization(world.org_b, by=world.company_a, expected_version=world.org_b.version,
                                     name="Gekapert", type=OrganizationType.COMPANY, sector=None, size_class=None,
                                     website=None, consents_to_be_named=True)
    with pytest.raises(NotAllowed):
        services.update_organization(world.org_b, by=world.moderator_b, expected_version=world.org_b.version,
                                     name="Gekapert", type=OrganizationType.COMPANY, sector=None, size_class=None,
                                     website=None, consents_to_be_named=True)
    with pytest.raises(Invalid) as refused:
        services.update_organization(world.org_a, by=world.company_a, expected_version=world.org_a.version,
                                     name="Alpha GmbH", type=OrganizationType.COMPANY, sector=None, size_class=None,
                                     website="javascript:alert(1)", consents_to_be_named=True)
    assert refused.value.field == "website"
    assert services.create_organization(by=world.moderator_a, name="Neue GmbH").name == "Neue GmbH"


# People -------------------------------------------------------------------------------------------

def test_people_are_added_by_partners_and_by_a_company_for_itself(client, world, bearer):
    own = client.post("/api/v1/people", json={"name": "Anna Alpha", "email": "anna@alpha.example",
                                              "organization_id": world.org_a.id}, headers=bearer(world.company_a))
    assert own.status_code == 201 and own.json["organization_id"] == world.org_a.id
    foreign = client.post("/api/v1/people", json={"name": "Bert Beta", "organization_id": world.org_b.id},
                          headers=bearer(world.company_a))
    assert foreign.status_code == 403
    assert db.session.scalar(select(Person).where(Person.name == "Bert Beta")) is None
    with pytest.raises(NotAllowed):
        services.create_person(by=world.company_a, name="Bert Beta", organization=world.org_b)
    with pytest.raises(NotAllowed):
        services.create_person(by=world.company_a, name="Ohne Organisation")
    with pytest.raises(Conflict) as taken:
        services.create_person(by=world.steering, name="Zweite", email=world.company_b.email.upper())
    assert taken.value.field == "email"
    person = services.create_person(by=world.moderator_a, name=" Bert\u200b  Beta ", organization=world.org_b)
    assert person.name == "Bert Beta"


def test_a_known_person_without_organisation_joins_the_one_they_are_named_with(world):
    loner = factories.person(name="Lena Los", email="lena@example.org")
    person, created = services.find_or_create_person("L. Los", "LENA@example.org", world.org_a, by=world.moderator_a)
    assert (person.id, created, person.organization_id) == (loner.id, False, world.org_a.id)
    again, _created = services.find_or_create_person("L. Los", "lena@example.org", world.org_b, by=world.moderator_b)
    assert again.organization_id == world.org_a.id  # never moved to another organisation in passing


# Processes ----------------------------------------------------------------------------------------

def test_processes_are_created_by_administrators_through_one_service(client, world, bearer):
    body = {"name": "Masterplan 2030", "city": "Oberhausen", "starts_on": "2024-01-01", "ends_on": "2024-12-31"}
    assert client.post("/api/v1/processes", json=body, headers=bearer(world.steering)).status_code == 403
    assert client.post("/api/v1/processes", json=body, headers=bearer(world.admin)).status_code == 201
    with pytest.raises(NotAllowed):
        processes.create_process(by=world.steering, name="X", city="Y", starts_on=date(2024, 1, 1),
                                 ends_on=date(2024, 2, 1))
    with pytest.raises(Invalid) as refused:
        processes.create_process(by=SYSTEM, name="X", city="Y", starts_on=date(2024, 2, 1), ends_on=date(2024, 1, 1))
    assert refused.value.field == "ends_on"
    assert db.session.scalar(select(func.count()).select_from(Process)) == 2


@pytest.mark.parametrize(("starts_on", "ends_on", "field"), [
    (date(1, 1, 1), date(9999, 12, 31), "starts_on"),
    (date(1989, 12, 31), date(1990, 6, 30), "starts_on"),
    (date(2024, 1, 1), date(2054, 1, 2), "ends_on"),
    (date(2100, 1, 1), date(2200, 12, 31), "ends_on"),
])
def test_a_process_period_outside_the_sane_range_is_refused(client, world, bearer, starts_on, ends_on, field):
    """Probe 5d: a process of year 1 to 9999 was accepted and broke its year view for everyone."""
    with pytest.raises(Invalid) as refused:
        processes.create_process(by=SYSTEM, name="P2", city="X", starts_on=starts_on, ends_on=ends_on)
    assert refused.value.field == field
    body = {"name": "P2", "city": "X", "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}
    response = client.post("/api/v1/processes", json=body, headers=bearer(world.admin))
    assert response.status_code == 400 and field in response.json["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Process).where(Process.name == "P2")) == 0


def test_a_process_of_thirty_years_is_allowed(world):
    """Probe 5d: the bound lets a process last exactly thirty years."""
    process = processes.create_process(by=SYSTEM, name="P3", city="X", starts_on=date(2024, 2, 29),
                                       ends_on=date(2054, 2, 28))
    assert process.id


def test_only_steering_sets_the_phase(client, world, login):
    login(world.moderator_a)
    assert client.post(f"/processes/{world.process.id}/phase", data={"phase": "adoption"}).status_code == 403
    with pytest.raises(NotAllowed):
        processes.set_phase(world.process, Phase.ADOPTION, by=world.company_a)
    login(world.steering)
    assert client.post(f"/processes/{world.process.id}/phase", data={"phase": "adoption"}).status_code == 302
    db.session.refresh(world.process)
    assert world.process.phase == Phase.ADOPTION
