"""Registering is a request: nothing of the directory changes until an administrator approves it.

Issue 16, finding 1: an anonymous registration naming an existing organisation set its consent to be
named, made the registrant a delegate of its hub membership (with the hub's invitations), or put an
organisation without a hub into any hub, and rejecting undid none of it.
"""

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditEvent
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.extensions import db
from tracker.hubs.models import HubMembership
from tracker.mail.models import OutboxMail
from tracker.organizations.models import ConsentPurpose, Organization, OrganizationType, Person
from tracker.registration import services
from tracker.registration.models import RegistrationRequest, RequestStatus
from tracker.sessions.models import Session, SessionKind

# What a registration must not touch before it is approved.
DIRECTORY = ("organization", "person", "consent", "user", "hub_membership", "membership_delegate")


def _register(client, world, **overrides):
    data = {"name": "Nina Neu", "email": "nina@neu.example", "function": "Geschäftsführerin",
            "organization_name": "Neu GmbH", "organization_type": "company", "organization_sector": "Handel",
            "hub_id": world.hub_a.id, "consent_contact": "y"}
    data.update(overrides)
    return client.post(f"/p/{world.process.id}/register", data=data)


def _without_token(page: str) -> str:
    """The page without its CSRF token, which carries the second it was made in."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


def _rows() -> dict[str, list[tuple]]:
    """Every row of the directory tables, as stored."""
    tables = {table.name: table for table in db.metadata.sorted_tables}
    return {name: sorted(tuple(row) for row in db.session.execute(select(tables[name])))
            for name in DIRECTORY}


def _request(email: str = "nina@neu.example") -> RegistrationRequest:
    return db.session.scalar(select(RegistrationRequest).where(RegistrationRequest.email == email))


def _person(email: str = "nina@neu.example") -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == email))


# The public form ----------------------------------------------------------------------------------

def test_registration_changes_no_existing_record(client, world, login, bearer):
    """Naming an organisation that has a hub and no consent to be named changes nothing of it."""
    assert not world.org_a.consents_to_be_named
    before = _rows()
    response = _register(client, world, organization_name="  alpha   GMBH ", consent_named="y")
    assert response.status_code == 200 and "Vielen Dank" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _rows() == before
    for other in ({"email": "nina2@neu.example", "organization_name": "Alpha GmbH", "hub_id": world.hub_b.id},
                  {"name": "Otto Offen", "email": "otto@offen.example", "organization_name": "Offen Unbekannt AG",
                   "consent_named": "y"}):
        assert _register(client, world, **other).status_code == 200
    db.session.expire_all()
    assert _rows() == before
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 3

    # Nobody but the administrators sees the names: not the organisation lists, hub pages or the API.
    for user in (world.steering, world.moderator_a, world.company_a):
        login(user)
        pages = [client.get(url).get_data(as_text=True) for url in (
            "/organizations/", f"/organizations/{world.org_a.id}", f"/hubs/{world.hub_a.id}",
            f"/hubs/{world.hub_b.id}")]
        headers = bearer(user)
        pages += [client.get(url, headers=headers).get_data(as_text=True) for url in (
            "/api/v1/organizations", "/api/v1/people", f"/api/v1/processes/{world.process.id}/hubs")]
        for page in pages:
            assert "Nina Neu" not in page and "Otto Offen" not in page and "Offen Unbekannt" not in page


def test_public_form_names_no_organisation(client, world):
    for page in (client.get(f"/p/{world.process.id}/register"), _register(client, world, consent_contact="")):
        text = page.get_data(as_text=True)
        assert "Hub A" in text and "Hub B" in text
        assert "Alpha GmbH" not in text and "Beta GmbH" not in text and "Wirtschaftsförderung" not in text


def test_a_second_request_with_the_same_email_gets_the_same_answer_and_waits_for_the_first(client, world):
    """Probe 7: a waiting request was revealed (409 "already waiting"); now the thanks page, and nothing stored."""
    first = _register(client, world)
    response = _register(client, world, email="NINA@neu.example", organization_name="Andere GmbH")
    assert response.status_code == 200 and _without_token(response.get_data(as_text=True)) == _without_token(
        first.get_data(as_text=True))
    assert "wartet bereits" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 1
    assert _request().organization_name == "Neu GmbH"
    assert services.request_registration(world.process, hub=world.hub_a, name="Nina", email="nina@neu.example",
                                         function=None, organization_name="X", consent_contact=True,
                                         consent_named=False) is None
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 1


def test_an_email_with_an_account_gets_the_same_answer_as_any_other(client, world):
    """Probe 7: the form told anyone which emails have an account (400 "already an account" vs 200)."""
    unknown = _register(client, world, email="niemand@neu.example")
    db.session.execute(db.delete(RegistrationRequest))
    db.session.commit()
    before = _rows()
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = _register(client, world, email=world.company_a.email.upper())
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _without_token(page) == _without_token(unknown.get_data(as_text=True))
    assert "bereits ein Konto" not in page and "Alpha GmbH" not in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 0
    assert _rows() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before
    # Only the owner of the address learns of it, once a day however often the form is sent.
    assert _register(client, world, email=world.company_a.email).status_code == 200
    mails = db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == world.company_a.email)).all()
    assert len(mails) == 1 and "bereits ein Konto" in mails[0].body_text and "/login" in mails[0].body_text


def test_missing_consent_creates_nothing_and_keeps_input(client, world):
    response = _register(client, world, consent_contact="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Ohne diese Einwilligung" in page and "Neu GmbH" in page
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 0
    with pytest.raises(Invalid) as refused:
        services.request_registration(world.process, hub=world.hub_a, name="Nina", email="nina@neu.example",
                                      function=None, organization_name="Neu GmbH", consent_contact=False,
                                      consent_named=False)
    assert refused.value.field == "consent_contact"


def test_a_hub_of_another_process_is_refused(world):
    other = factories.process(name="Anderer Prozess")
    hub = factories.hub(other, name="Fremd", short_name="F")
    with pytest.raises(Invalid) as refused:
        services.request_registration(world.process, hub=hub, name="Nina", email="nina@neu.example", function=None,
                                      organization_name="Neu GmbH", consent_contact=True, consent_named=False)
    assert refused.value.field == "hub_id"


def test_the_public_form_is_rate_limited(make_app, world):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_REGISTRATION="3 per hour").test_client()
    codes = [_register(client, world, email=f"nina{n}@neu.example").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 3


# Deciding -----------------------------------------------------------------------------------------

def test_rejection_leaves_nothing_behind(app, client, world, login):
    login(world.admin)  # (logging in stamps the administrator's login; the snapshot comes after it)
    before = _rows()
    _register(app.test_client(), world, organization_name="Alpha GmbH", hub_id=world.hub_b.id, consent_named="y")
    registration = _request()
    assert "Nina Neu" in client.get("/admin/registrations").get_data(as_text=True)
    refused = client.post(f"/admin/registrations/{registration.id}/reject", data={"reason": ""})
    assert refused.status_code == 400
    response = client.post(f"/admin/registrations/{registration.id}/reject", data={"reason": "Nicht bekannt"},
                           follow_redirects=True)
    assert response.status_code == 200 and "Nina Neu" not in response.get_data(as_text=True)

    db.session.expire_all()
    assert _rows() == before
    registration = db.session.get(RegistrationRequest, registration.id)
    assert registration.status == RequestStatus.REJECTED and registration.decided_by_id == world.admin.id
    assert (registration.name, registration.email, registration.function) == (None, None, None)
    assert registration.rejection_reason == "Nicht bekannt" and registration.person_id is None
    # Only the "received" mail of the filing: a rejection mails nothing, the approval's mails are not sent.
    assert [m.dedup_key for m in db.session.scalars(select(OutboxMail))] == [
        f"registration-received:{registration.id}"]
    decided = client.get("/admin/registrations/decided").get_data(as_text=True)
    assert "Nicht bekannt" in decided and "Nina" not in decided
    assert client.post(f"/admin/registrations/{registration.id}/reject", data={"reason": "x"}).status_code == 409
    # The same person may ask again.
    assert _register(client, world).status_code == 200


def test_approval_of_a_new_organisation_writes_organisation_membership_delegate_and_consent(client, world, login):
    _register(client, world, consent_named="y")
    registration = _request()
    login(world.admin)
    page = client.get(f"/admin/registrations/{registration.id}").get_data(as_text=True)
    assert "Neu GmbH" in page and '<option selected value="new">' in page
    response = client.post(f"/admin/registrations/{registration.id}/approve",
                           data={"organization_id": "new", "consents_to_be_named": "y"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "automatisch in den Postausgang gelegt" in page
    assert "/set-password/" not in page  # nothing for the administrator to pass on by hand

    db.session.expire_all()
    person = _person()
    organization = person.organization
    assert (organization.name, organization.sector, organization.consents_to_be_named) == ("Neu GmbH", "Handel", True)
    membership = db.session.scalar(select(HubMembership).where(HubMembership.organization_id == organization.id))
    assert membership.hub_id == world.hub_a.id and person in membership.delegates
    assert {c.purpose for c in person.consents} == {ConsentPurpose.CONTACT, ConsentPurpose.NAMED_IN_PLAN}
    registration = db.session.get(RegistrationRequest, registration.id)
    assert all(c.given_at == registration.created_at and c.text_version == services.CONSENT_VERSION
               for c in person.consents)
    assert person.user.role == Role.COMPANY and person.user.password_hash is None
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.person_id == person.id))
    assert mail is not None and "/set-password/" in mail.body_text
    assert registration.status == RequestStatus.APPROVED and registration.created_organization
    assert (registration.organization_id, registration.person_id, registration.user_id) == (
        organization.id, person.id, person.user.id)
    assert registration.name is None and registration.email is None  # the person holds them now
    assert "Nina Neu" not in client.get("/admin/registrations").get_data(as_text=True)
    assert "Nina Neu" in client.get("/admin/registrations/decided").get_data(as_text=True)


def test_approval_matched_to_a_known_organisation_keeps_its_consent(client, world, login):
    _register(client, world, organization_name="ALPHA gmbh", consent_named="y")
    registration = _request()
    login(world.admin)
    page = client.get(f"/admin/registrations/{registration.id}").get_data(as_text=True)
    assert f'<option selected value="{world.org_a.id}">' in page  # the same name key is suggested first
    memberships = db.session.scalar(select(func.count()).select_from(HubMembership))
    response = client.post(f"/admin/registrations/{registration.id}/approve",
                           data={"organization_id": str(world.org_a.id), "consents_to_be_named": "y"})
    assert response.status_code == 302

    db.session.expire_all()
    person = _person()
    assert person.organization_id == world.org_a.id
    assert not db.session.get(Organization, world.org_a.id).consents_to_be_named
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 3
    assert db.session.scalar(select(func.count()).select_from(HubMembership)) == memberships
    membership = db.session.scalar(select(HubMembership).where(HubMembership.organization_id == world.org_a.id))
    assert membership.hub_id == world.hub_a.id and person in membership.delegates
    assert {c.purpose for c in person.consents} == {ConsentPurpose.CONTACT, ConsentPurpose.NAMED_IN_PLAN}
    assert not db.session.get(RegistrationRequest, registration.id).created_organization


def test_an_organisation_working_in_another_hub_stays_there_only_when_the_admin_says_so(client, world, login):
    _register(client, world, organization_name="Alpha GmbH", hub_id=world.hub_b.id)
    registration = _request()
    login(world.admin)
    page = client.get(f"/admin/registrations/{registration.id}").get_data(as_text=True)
    assert "Alpha GmbH arbeitet bereits im Hub „Hub A“" in page
    before = _rows()
    refused = client.post(f"/admin/registrations/{registration.id}/approve",
                          data={"organization_id": str(world.org_a.id)})
    assert refused.status_code == 409 and "Alpha GmbH arbeitet bereits im Hub „Hub A“" in refused.get_data(
        as_text=True)
    db.session.expire_all()
    assert _rows() == before and _request().status == RequestStatus.PENDING

    response = client.post(f"/admin/registrations/{registration.id}/approve",
                           data={"organization_id": str(world.org_a.id), "keep_current_hub": "y"},
                           follow_redirects=True)
    assert response.status_code == 200 and "Hub A" in response.get_data(as_text=True)
    db.session.expire_all()
    person = _person()
    memberships = db.session.scalars(select(HubMembership).where(HubMembership.organization_id == world.org_a.id)).all()
    assert [(m.hub_id, m.left_at) for m in memberships] == [(world.hub_a.id, None)]
    assert person in memberships[0].delegates


def test_an_organisation_without_a_hub_joins_the_hub_asked_for(client, world):
    lonely = factories.organization(name="Einsam KG")
    db.session.commit()
    _register(client, world, organization_name="Einsam KG", hub_id=world.hub_b.id)
    assert db.session.scalar(select(HubMembership).where(HubMembership.organization_id == lonely.id)) is None
    approval = services.approve(_request(), by=world.admin, organization=lonely)
    assert approval.membership.hub_id == world.hub_b.id and approval.person in approval.membership.delegates


def test_a_known_person_of_another_organisation_is_not_moved(client, world, login):
    known = factories.person(world.org_b, name="Nina Neu", email="nina@neu.example")
    db.session.commit()
    _register(client, world)
    registration = _request()
    login(world.admin)
    page = client.get(f"/admin/registrations/{registration.id}").get_data(as_text=True)
    assert f'<option selected value="{world.org_b.id}">' in page  # the known person's organisation
    response = client.post(f"/admin/registrations/{registration.id}/approve", data={"organization_id": "new"})
    assert response.status_code == 409 and "bekannten Person von Beta GmbH" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, known.id).organization_id == world.org_b.id
    assert db.session.scalar(select(Organization).where(Organization.name == "Neu GmbH")) is None
    approval = services.approve(_request(), by=world.admin, organization=world.org_b, keep_current_hub=True)
    assert approval.person.id == known.id and approval.membership.hub_id == world.hub_b.id


def test_only_administrators_decide(client, world, login):
    _register(client, world)
    registration = _request()
    for user in (world.steering, world.moderator_a, world.company_a):
        login(user)
        assert client.get("/admin/registrations").status_code == 403
        assert client.get(f"/admin/registrations/{registration.id}").status_code == 403
        assert client.post(f"/admin/registrations/{registration.id}/approve",
                           data={"organization_id": "new"}).status_code == 403
        assert client.post(f"/admin/registrations/{registration.id}/reject", data={"reason": "x"}).status_code == 403
        with pytest.raises(NotAllowed):
            services.approve(registration, by=user, create_new=True)
        with pytest.raises(NotAllowed):
            services.reject(registration, by=user, reason="x")
    db.session.expire_all()
    assert _request().status == RequestStatus.PENDING and _person() is None


def test_the_approval_service_refuses_what_does_not_fit(client, world):
    _register(client, world, organization_name="Alpha GmbH")
    registration = _request()
    with pytest.raises(Invalid):
        services.approve(registration, by=world.admin)
    with pytest.raises(Invalid):
        services.approve(registration, by=world.admin, organization=world.org_a, create_new=True)
    with pytest.raises(Conflict):  # the name is known: match it instead of creating it twice
        services.approve(registration, by=world.admin, create_new=True)
    with pytest.raises(Invalid):
        services.reject(registration, by=world.admin, reason="  ")
    services.approve(registration, by=world.admin, organization=world.org_a)
    with pytest.raises(Conflict):
        services.approve(registration, by=world.admin, organization=world.org_a)
    with pytest.raises(Conflict):
        services.reject(registration, by=world.admin, reason="zu spät")


def test_similar_names_are_suggested(client, world):
    _register(client, world, organization_name="Alpha")
    assert services.suggestions(_request()) == [world.org_a]
    _register(client, world, email="zweite@neu.example", organization_name="Alpha GmbH & Co. KG")
    assert services.suggestions(_request("zweite@neu.example")) == [world.org_a]


def test_an_account_created_meanwhile_is_not_created_twice(client, world):
    _register(client, world)
    factories.user(Role.COMPANY, organization=world.org_a, name="Nina Neu", email="nina@neu.example")
    db.session.commit()
    with pytest.raises(Conflict):
        services.approve(_request(), by=world.admin, create_new=True)
    assert db.session.scalar(select(func.count()).select_from(User).join(User.person).where(
        Person.email == "nina@neu.example")) == 1


def test_public_event_page_shows_the_kickoff_but_not_steering_meetings(client, world):
    kickoff = Session(process=world.process, kind=SessionKind.KICKOFF, title="Auftakt", location="Fraunhofer",
                      starts_at=datetime(2018, 9, 26, 16), ends_at=datetime(2018, 9, 26, 18))
    steering = Session(process=world.process, kind=SessionKind.STEERING, title="Interne Sitzung",
                       starts_at=datetime(2018, 9, 5, 10), ends_at=datetime(2018, 9, 5, 12))
    db.session.add_all([kickoff, steering])
    db.session.commit()
    page = client.get(f"/events/{kickoff.id}").get_data(as_text=True)
    assert "Auftakt" in page and "Fraunhofer" in page and "Hub A" in page and "Wirtschaftsförderung" in page
    assert "Carla" not in page
    assert client.get(f"/events/{steering.id}").status_code == 404
    assert client.get(f"/events/{world.session_a.id}").status_code == 404
    landing = client.get(f"/p/{world.process.id}").get_data(as_text=True)
    assert "Auftakt" in landing and "Interne Sitzung" not in landing


def test_registration_types_are_kept(world):
    registration = services.request_registration(
        world.process, hub=world.hub_b, name=" Ida\u200b Idee ", email=" IDA@Idee.example ", function="",
        organization_name="Forschung\x01 Institut", organization_type=OrganizationType.RESEARCH,
        organization_sector=None, consent_contact=True, consent_named=False)
    assert (registration.name, registration.email, registration.function) == ("Ida Idee", "ida@idee.example", None)
    assert (registration.organization_name, registration.organization_type) == (
        "Forschung Institut", OrganizationType.RESEARCH)


def test_the_demo_has_registrations_waiting(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    waiting = services.open_requests()
    assert [r.name for r in waiting] == ["Jana Wegner", "Tobias Lindner"]
    assert [o.name for o in services.suggestions(waiting[0])] == ["Rheinblick Medienhaus GmbH"]
    assert services.suggestions(waiting[1]) == [] and _person("anmeldung.wegner@example.org") is None


def test_the_approval_message_says_the_mail_went_out_by_itself(make_app, world):
    """With a mail server the administrator reads that the set-password mail has been sent; it is queued."""
    app = make_app(MAIL_SERVER="smtp.example.org")
    client = app.test_client()
    _register(client, world)
    registration = _request()
    assert client.post("/login", data={"email": world.admin.email, "password": factories.PASSWORD}).status_code == 302
    response = client.post(f"/admin/registrations/{registration.id}/approve", data={"organization_id": "new"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "wurde automatisch an nina@neu.example geschickt" in page and "nichts mehr zu tun" in page
    db.session.expire_all()
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == "nina@neu.example",
                                                      OutboxMail.dedup_key.startswith("account:")))
    assert mail is not None and "/set-password/" in mail.body_text


def test_decided_requests_leave_the_open_list(client, world, login):
    """Approved and rejected requests are listed under "decided" only; the open one stays open."""
    for n, organisation in enumerate(("Erste Zusage AG", "Zweite Absage AG", "Dritte Offen AG")):
        assert _register(client, world, email=f"p{n}@neu.example", organization_name=organisation).status_code == 200
    approved, rejected, waiting = (_request(f"p{n}@neu.example") for n in range(3))
    login(world.admin)
    pending = client.get("/admin/registrations").get_data(as_text=True)
    assert all(f"/admin/registrations/{r.id}\"" in pending for r in (approved, rejected, waiting))
    assert client.post(f"/admin/registrations/{approved.id}/approve",
                       data={"organization_id": "new"}).status_code == 302
    assert client.post(f"/admin/registrations/{rejected.id}/reject",
                       data={"reason": "Kein Unternehmen"}).status_code == 302

    client.get("/admin/registrations")  # shows (and so ends) the two confirmations
    pending = client.get("/admin/registrations").get_data(as_text=True)
    assert f"/admin/registrations/{waiting.id}\"" in pending and "Dritte Offen AG" in pending
    for decided in (approved, rejected):
        assert f"/admin/registrations/{decided.id}\"" not in pending
    assert "Erste Zusage AG" not in pending and "Zweite Absage AG" not in pending
    assert [r.id for r in services.open_requests()] == [waiting.id]
    decided_page = client.get("/admin/registrations/decided").get_data(as_text=True)
    assert "Erste Zusage AG" in decided_page and "Zweite Absage AG" in decided_page
    assert "Dritte Offen AG" not in decided_page
