"""Kickoff registration as the invitation asks (issue 17, item 4): one form names the delegates, the hub and
the consents; it stays a request until approved; approval registers everyone for the kickoff with its
calendar entry, and only the registrant gets an account."""

from datetime import datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from tests import factories
from tests.registration.test_registration import _rows
from tracker.accounts.models import User
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.extensions import db
from tracker.hubs.models import HubMembership
from tracker.mail.models import MailKind, OutboxMail
from tracker.organizations.models import ConsentPurpose, Person
from tracker.registration import services
from tracker.registration.models import RegistrationDelegate, RegistrationRequest
from tracker.sessions.models import Attendance, AttendanceStatus, SessionKind, SessionStatus

FORM = {"name": "Nina Neu", "email": "nina@neu.example", "function": "Geschäftsführerin",
        "organization_name": "Neu GmbH", "organization_type": "company", "hub_id": None, "consent_contact": "y"}


@pytest.fixture
def kickoff(world):
    session = factories.session(world.process, kind=SessionKind.KICKOFF, title="Auftaktveranstaltung",
                                status=SessionStatus.PLANNED, starts_at=datetime(2030, 9, 26, 16),
                                location="Rathaus")
    db.session.commit()
    return session


def _form(world, **extra):
    return FORM | {"hub_id": world.hub_a.id} | extra


TWO_DELEGATES = {"delegates-0-name": "Olaf Ost", "delegates-0-email": "olaf@neu.example",
                 "delegates-0-function": "Vertrieb", "delegates-2-name": "Paula Port",
                 "delegates-2-email": "Paula@Neu.example", "consent_delegates": "y"}


def _register(client, world, **extra):
    return client.post(f"/p/{world.process.id}/register", data=_form(world, **extra))


def _request() -> RegistrationRequest:
    return db.session.scalar(select(RegistrationRequest))


def test_the_form_is_for_the_kickoff_and_adds_delegate_rows_without_script(client, world, kickoff):
    page = client.get(f"/p/{world.process.id}/register").get_data(as_text=True)
    assert "Auftaktveranstaltung" in page and 'name="delegates-2-email"' in page and "delegates-3" not in page
    before = _rows()
    response = _register(client, world, add_delegate="1", **{"delegates-0-name": "Olaf Ost"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="delegates-3-email"' in page
    assert 'value="Olaf Ost"' in page and 'value="Nina Neu"' in page  # nothing typed is lost
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 0 and _rows() == before


def test_a_registration_with_two_delegates_writes_only_the_request_and_mails_the_registrant(client, world, kickoff):
    before = _rows()
    response = _register(client, world, **TWO_DELEGATES)
    assert response.status_code == 200
    db.session.expire_all()
    assert _rows() == before  # no organisation, person, consent, login, membership, delegate
    registration = _request()
    assert registration.event == kickoff and registration.consent_delegates
    assert [(d.name, d.email, d.function) for d in registration.delegates] == [
        ("Olaf Ost", "olaf@neu.example", "Vertrieb"), ("Paula Port", "paula@neu.example", None)]
    [mail] = db.session.scalars(select(OutboxMail)).all()
    assert mail.to_address == "nina@neu.example" and mail.person_id is None and mail.kind == MailKind.ACCOUNT
    assert "Auftaktveranstaltung" in mail.body_text and "Olaf Ost, Paula Port" in mail.body_text
    assert "erhalten" in mail.subject  # German: the language of the form


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"delegates-1-name": "Olaf Ost", "consent_delegates": "y"}, "delegates-1-email", "E-Mail-Adresse"),
    ({"delegates-0-name": "Olaf", "delegates-0-email": "NINA@neu.example", "consent_delegates": "y"},
     "delegates-0-email", "eigene E-Mail-Adresse"),
    ({"delegates-0-name": "Olaf Ost", "delegates-0-email": "olaf@neu.example"}, "consent_delegates",
     "einverstanden sind"),
])
def test_a_delegate_row_is_checked_at_its_field_and_nothing_is_stored(client, world, kickoff, extra, field, message):
    response = _register(client, world, **extra)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and f'id="{field}-error"' in page
    assert db.session.scalar(select(func.count()).select_from(RegistrationRequest)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_approval_registers_everyone_for_the_kickoff_and_gives_only_the_registrant_an_account(
        client, world, kickoff, login):
    _register(client, world, **TWO_DELEGATES)
    registration = _request()
    login(world.admin)
    page = client.post(f"/admin/registrations/{registration.id}/approve", data={"organization_id": "new"},
                       follow_redirects=True).get_data(as_text=True)
    assert "3 Personen sind für „Auftaktveranstaltung“ angemeldet" in page
    db.session.expire_all()
    nina, olaf, paula = (db.session.scalar(select(Person).where(Person.email == e))
                         for e in ("nina@neu.example", "olaf@neu.example", "paula@neu.example"))
    assert nina.user is not None and olaf.user is None and paula.user is None
    assert olaf.organization == nina.organization and olaf.function == "Vertrieb"
    membership = db.session.scalar(select(HubMembership).where(HubMembership.organization_id == nina.organization_id))
    assert membership.hub_id == world.hub_a.id and set(membership.delegates) == {nina, olaf, paula}
    assert {c.purpose for c in olaf.consents} == {ConsentPurpose.CONTACT}
    statuses = dict(db.session.execute(select(Attendance.person_id, Attendance.status)
                                       .where(Attendance.session_id == kickoff.id)).all())
    assert statuses == {p.id: AttendanceStatus.REGISTERED for p in (nina, olaf, paula)}
    mails = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
    set_password = [m.to_address for m in mails if "/set-password/" in m.body_text]
    assert set_password == ["nina@neu.example"]
    with_ics = {m.to_address: m for m in mails if m.ics}
    assert set(with_ics) == {"nina@neu.example", "olaf@neu.example", "paula@neu.example"}
    event = Calendar.from_ical(with_ics["olaf@neu.example"].ics).walk("VEVENT")[0]
    assert str(event["summary"]) == "Auftaktveranstaltung" and str(event["uid"]).startswith(f"session-{kickoff.id}@")
    registration = db.session.get(RegistrationRequest, registration.id)
    assert all(d.name is None and d.email is None for d in registration.delegates)  # lives in the people now
    assert [d.person for d in registration.delegates] == [olaf, paula]


def test_a_delegate_of_another_organisation_stops_the_approval(client, world, kickoff, login):
    _register(client, world, **{"delegates-0-name": "Carla", "delegates-0-email": world.company_a.email,
                                "consent_delegates": "y"})
    registration = _request()
    with pytest.raises(Conflict):
        services.approve(registration, by=world.admin, create_new=True)
    db.session.rollback()
    login(world.admin)
    page = client.get(f"/admin/registrations/{registration.id}").get_data(as_text=True)
    assert "Alpha GmbH" in page and world.company_a.email in page


def test_the_admin_filters_registrations_by_status_and_event_with_counts(client, world, kickoff, login):
    for n in range(3):
        _register(client, world, email=f"n{n}@neu.example", organization_name=f"Firma {n}",
                  **({"delegates-0-name": "X Y", "delegates-0-email": f"x{n}@neu.example", "consent_delegates": "y"}
                     if n == 0 else {}))
    first, second, _third = db.session.scalars(select(RegistrationRequest).order_by(RegistrationRequest.id))
    services.approve(first, by=world.admin, create_new=True)
    services.reject(second, by=world.admin, reason="Doppelt")
    db.session.commit()
    login(world.admin)
    open_page = client.get("/admin/registrations").get_data(as_text=True)
    assert "n2@neu.example" in open_page and "Firma 0" not in open_page and "Firma 1" not in open_page
    approved = client.get("/admin/registrations?status=approved").get_data(as_text=True)
    assert "Firma 0" in approved and "Firma 1" not in approved and "Firma 2" not in approved
    rejected = client.get(f"/admin/registrations?status=rejected&event={kickoff.id}").get_data(as_text=True)
    assert "Doppelt" in rejected and "Firma 0" not in rejected
    [row] = services.counts_by_event()
    assert (row.event, row.open, row.approved, row.rejected, row.people) == (kickoff, 1, 1, 1, 2)
    assert client.get("/admin/registrations?event=999999").status_code == 404
    assert client.get("/admin/registrations?status=nonsense").status_code == 200


def test_the_admin_invites_a_further_delegate_to_create_an_account(client, world, kickoff, login):
    _register(client, world, **TWO_DELEGATES)
    registration = _request()
    services.approve(registration, by=world.admin, create_new=True)
    db.session.commit()
    olaf = db.session.scalar(select(RegistrationDelegate).where(RegistrationDelegate.position == 1))
    login(world.company_a)
    assert client.post(f"/admin/registrations/delegates/{olaf.id}/invite").status_code == 403
    with pytest.raises(NotAllowed):
        services.invite_delegate(olaf, by=world.steering)
    login(world.admin)
    page = client.get(f"/admin/registrations/{registration.id}").get_data(as_text=True)
    assert f"/admin/registrations/delegates/{olaf.id}/invite" in page
    response = client.post(f"/admin/registrations/delegates/{olaf.id}/invite", follow_redirects=True)
    assert response.status_code == 200 and "olaf@neu.example" in response.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.scalar(select(User).join(Person).where(Person.email == "olaf@neu.example"))
    assert user is not None and user.password_hash is None
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == "olaf@neu.example",
                                                      OutboxMail.dedup_key.startswith("account:")))
    assert mail is not None and "/set-password/" in mail.body_text
    assert client.post(f"/admin/registrations/delegates/{olaf.id}/invite").status_code == 409


def test_without_a_kickoff_a_registration_is_for_the_process_alone(client, world):
    assert _register(client, world, **TWO_DELEGATES).status_code == 200
    registration = _request()
    assert registration.event is None
    approval = services.approve(registration, by=world.admin, create_new=True)
    assert approval.attendances == [] and len(approval.delegates) == 2


def test_the_service_refuses_too_many_delegates(world, kickoff):
    rows = [{"name": f"P {n}", "email": f"p{n}@neu.example"} for n in range(services.MAX_DELEGATES + 1)]
    with pytest.raises(Invalid) as refused:
        services.request_registration(world.process, hub=world.hub_a, name="Nina", email="nina@neu.example",
                                      function=None, organization_name="Neu", consent_contact=True,
                                      consent_named=False, delegates=rows, consent_delegates=True)
    assert refused.value.field == "delegates"
