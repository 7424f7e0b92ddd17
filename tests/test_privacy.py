"""A person's data can be exported, and on request forgotten without breaking the plan's records."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import JSON, LargeBinary, String, Text, func, select

from tests import factories
from tests.mail.conftest import smtp  # noqa: F401  (the fixture: a real SMTP server on loopback)
from tracker.accounts.models import Role, User
from tracker.api import tokens
from tracker.api.models import ApiToken
from tracker.attendance import services as attendance
from tracker.audit.models import AuditEvent
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.extensions import db
from tracker.hubs import services as hubs
from tracker.hubs.models import HubMembership
from tracker.mail import services as mail
from tracker.mail.models import MailStatus, OutboxMail
from tracker.measures.models import Measure, MeasureComment, MeasureStatus
from tracker.organizations.models import Consent, ConsentPurpose, Person
from tracker.prioritisation.models import Ballot, Method, PrioritisationRound
from tracker.privacy import scrub
from tracker.privacy import services as privacy
from tracker.processes.services import figures
from tracker.registration import services as registration
from tracker.registration.models import RegistrationRequest
from tracker.sessions import services as sessions
from tracker.sessions.models import ActionItem, Attendance, AttendanceStatus, MinutesRevision, Session


def test_person_downloads_their_own_data(client, world, login):
    world.company_a.person.consents.append(Consent(purpose=ConsentPurpose.CONTACT, text_version="2018-09"))
    factories.attendance(world.session_a, world.company_a.person)
    db.session.commit()
    login(world.company_a)
    response = client.get("/profile/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    assert data["person"]["email"] == world.company_a.email
    assert data["consents"][0]["purpose"] == "contact"
    assert data["attendance"][0]["status"] == "attended"


def test_only_admins_export_or_anonymise_others(client, world, login):
    login(world.steering)
    person = world.company_a.person
    assert client.get(f"/admin/people/{person.id}/data.json").status_code == 403
    assert client.post(f"/admin/people/{person.id}/anonymise", data={"confirm": "y"}).status_code == 403
    db.session.refresh(person)
    assert person.name == "Carla Company-A"


def test_anonymisation_removes_name_and_contact_but_keeps_contributions(client, world, login):
    person = world.company_a.person
    email = person.email
    factories.attendance(world.session_a, person, AttendanceStatus.ATTENDED)
    world.measure_a.proposer_person = person
    db.session.commit()
    client.post("/login", data={"email": person.email, "password": "wrong-password-1"})  # audited with email
    before = figures(world.process)

    login(world.admin)
    response = client.post(f"/admin/people/{person.id}/anonymise", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.email is None and person.anonymised_at is not None
    assert "Carla" not in person.name
    assert world.measure_a.proposer_person_id == person.id  # the idea stays, attributed
    after = figures(world.process)
    assert (after.people, after.working_hours) == (before.people, before.working_hours)
    assert all("carla" not in (e.summary or "").lower() for e in db.session.query(AuditEvent))
    client.post("/logout")
    assert client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code == 401
    login(world.admin)

    page = client.get(f"/organizations/{world.org_a.id}").get_data(as_text=True)
    assert "Carla Company-A" not in page and "Ehemalige Teilnehmerin / ehemaliger Teilnehmer" in page


# --- a person who has done everything ----------------------------------------------------------------

NAMES = ("Zelda Quirrell", "Zelda Q. Quirrell-Müller", "Zelda Ölmüller")
EMAILS = ("zelda.quirrell@alpha.example", "zelda.marlowe@alpha.example")
PHONE = "+49 208 555 0199"
# Every form the person's name and contact were ever stored in (the import file wrote "QUIRRELL, Zélda").
TRACES = (*NAMES, "Quirrell", "Ölmüller", *EMAILS, PHONE, "555 0199")


@dataclass
class Story:
    user: User
    person: Person
    proposed: Measure
    round: PrioritisationRound
    item: ActionItem
    plenary_id: int


def _upload(client, url: str, content: bytes, filename: str):
    return client.post(url, data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def _everything(client, world, login) -> Story:
    """Zelda has an account, is a delegate, was invited, imported, attended, proposed, commented, voted,
    owns an action item and an API token, was mailed, renamed twice and changed her email."""
    user = factories.user(Role.COMPANY, organization=world.org_a, name=NAMES[0], email=EMAILS[0], phone=PHONE,
                          function="Geschäftsführerin")
    person = user.person
    person.consents.append(Consent(purpose=ConsentPurpose.CONTACT, text_version="2018-09"))
    membership = hubs.current_membership(world.org_a, world.process)
    membership.delegates.append(person)
    plenary = factories.session(world.process, None, title="Plenum")
    factories.attendance(plenary, person, AttendanceStatus.ATTENDED)
    proposal = factories.measure(world.process, world.hub_a, title="Vorschlag zur Abstimmung",
                                 status=MeasureStatus.PROPOSAL)
    round_ = PrioritisationRound(process_id=world.process.id, title="Priorisierung", method=Method.DOTS,
                                 points_per_voter=5, max_points_per_measure=5, measures=[proposal])
    db.session.add(round_)
    db.session.commit()

    attendance.invite_all(world.session_a, by=world.moderator_a)  # the invitation mail, with its .ics
    db.session.commit()

    login(world.moderator_a)  # the attendance importer, with her name in another form
    csv_text = f"Name;E-Mail;Status\nQUIRRELL, Zélda;{EMAILS[0].upper()};teilgenommen\nOtto Other;;teilgenommen\n"
    response = _upload(client, f"/sessions/{world.session_a.id}/import", csv_text.encode(), "liste.csv")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert client.post(response.headers["Location"] + "/confirm").status_code == 302
    client.post("/logout")

    login(user)
    response = client.post(f"/processes/{world.process.id}/measures/new", data={
        "hub_id": world.hub_a.id, "title": "Zeldas Idee", "primary_goal_id": 0, "horizon": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert client.post(f"/measures/{world.measure_a.id}/comments", data={"text": "Gute Idee!"}).status_code == 302
    assert client.post(f"/rounds/{round_.id}", data={f"m{proposal.id}": "3"}).status_code == 302
    client.post("/logout")
    tokens.create_token(user, "Laptop")
    proposed = db.session.scalar(select(Measure).where(Measure.title == "Zeldas Idee"))

    login(world.moderator_a)  # the measure-status mail to its proposer
    assert client.post(f"/measures/{proposed.id}/transition", data={"to": "in_review"}).status_code == 302
    client.post("/logout")
    item = sessions.add_action_item(world.session_a, text="Räume anfragen", owner=person, due_on=date(2018, 11, 1),
                                    by=world.moderator_a)
    db.session.commit()

    login(world.admin)  # renamed twice; the second time with a new email
    for name, email in ((NAMES[1], EMAILS[0]), (NAMES[2], EMAILS[1])):
        response = client.post(f"/admin/users/{user.id}", data={
            "name": name, "email": email, "function": "Geschäftsführerin", "organization_id": world.org_a.id,
            "role": "company", "is_active": "y"})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.post("/logout")
    sessions.save_minutes(world.session_a, f"Anwesend: {NAMES[2]} (Alpha GmbH)",  # someone else's text quotes her
                          expected_version=world.session_a.version, by=world.moderator_a)
    sessions.approve_minutes(world.session_a, by=world.moderator_a)  # "Hello Zelda Ölmüller"
    db.session.commit()
    client.post("/login", data={"email": EMAILS[1], "password": "wrong-password-1"})  # audited with the email

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.person_id == person.id)) >= 3  # invitation, measure status, minutes approved
    return Story(user=user, person=person, proposed=proposed, round=round_, item=item, plenary_id=plenary.id)


def _traces(needles) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every text, string, JSON or binary value of every row that holds a needle."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON, LargeBinary))]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)).mappings():
            for column in columns:
                value = row[column.name]
                if value is None:
                    continue
                text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                found += [(table.name, column.name, needle) for needle in needles if needle.lower() in text.lower()]
    return found


def test_anonymised_person_leaves_no_trace(client, world, login):
    story = _everything(client, world, login)
    assert _traces(TRACES)  # the scan sees them before
    before = figures(world.process)
    attendances = db.session.scalar(select(func.count()).select_from(Attendance))

    counts = privacy.anonymise(story.person, by=world.admin)
    db.session.commit()
    db.session.expire_all()

    assert _traces(TRACES) == []
    assert _traces(("Carla Company-A", "Mona Moderator-A"))  # nobody else was touched
    assert counts["mails_deleted"] >= 3 and counts["import_rows"] == 1
    assert counts["elsewhere"] == {"session.minutes": 1, "minutes_revision.text": 1}  # the safety net
    assert db.session.get(Session, world.session_a.id).minutes.startswith("Anwesend: Ehemalige Teilnehmerin")
    after = figures(world.process)
    assert (after.people, after.working_hours, after.sessions) == (before.people, before.working_hours,
                                                                    before.sessions)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == attendances
    assert db.session.get(Measure, story.proposed.id).proposer_person_id == story.person.id
    assert db.session.scalar(select(MeasureComment.author_id).where(
        MeasureComment.measure_id == world.measure_a.id)) == story.user.id
    assert db.session.scalar(select(Ballot.voter_id).where(Ballot.round_id == story.round.id)) == story.user.id
    assert db.session.get(ActionItem, story.item.id).owner_id == story.person.id
    assert db.session.scalar(select(ApiToken.name).where(ApiToken.user_id == story.user.id)) == "Laptop"
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "user",
                                                              AuditEvent.object_id == story.user.id)).all()
    assert db.session.get(Person, story.person.id).consents[0].given_at is not None


def test_safety_net_replaces_whole_words_as_text_html_and_json():
    found = scrub.pattern(scrub.usable(["Anna O'Neil", "anna@x.example", "Al"]))  # "Al" is too short to search
    assert scrub.replace_in("Hallo ANNA O'NEIL, Annabell, Al", found, "X") == "Hallo X, Annabell, Al"
    assert scrub.replace_in("<p>Anna O&#39;Neil &lt;anna@x.example&gt;</p>", found, "X") == "<p>X &lt;X&gt;</p>"
    assert scrub.replace_in({"name": ["Anna O'Neil", "B"], "n": 3}, found, "X") == {"name": ["X", "B"], "n": 3}
    assert scrub.replace_in("nothing", scrub.pattern([]), "X") == "nothing"


def test_a_namesake_keeps_their_name(world):
    anna, namesake = (factories.person(world.org_a, name="Änne Schmidt") for _ in range(2))
    for person in (anna, namesake):
        attendance.record(world.session_a, [(person, AttendanceStatus.ATTENDED)], by=world.moderator_a)
    db.session.commit()
    privacy.anonymise(anna, by=world.admin)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Person, namesake.id).name == "Änne Schmidt"
    summaries = {e.object_id: e.summary for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "attendance", AuditEvent.action == "create"))}
    theirs = {a.person_id: a.id for a in db.session.scalars(select(Attendance))}
    assert summaries[theirs[namesake.id]] == "Änne Schmidt: attended"
    assert "Änne" not in summaries[theirs[anna.id]]


def _minutes_naming(world, *texts: str) -> None:
    for text in texts:
        sessions.save_minutes(world.session_a, text, expected_version=world.session_a.version, by=world.moderator_a)
    db.session.commit()


def test_surname_first_is_replaced_in_minutes_and_their_revisions(world):
    """Probe 10: "Wagner, Heike." in the minutes was kept after anonymising Heike Wagner."""
    heike = factories.person(world.org_a, name="Heike Wagner")
    _minutes_naming(world, "Anwesend: Wagner, Heike.", "Anwesend: Wagner, Heike. Protokoll: Wagner Heike, WAGNER,HEIKE")
    privacy.anonymise(heike, by=world.admin)
    db.session.commit()
    db.session.expire_all()
    texts = [db.session.get(Session, world.session_a.id).minutes,
             *db.session.scalars(select(MinutesRevision.text).where(MinutesRevision.session_id == world.session_a.id))]
    assert len(texts) == 3
    for text in texts:
        assert "wagner" not in text.lower() and "heike" not in text.lower()
        assert text.startswith("Anwesend: Ehemalige Teilnehmerin / ehemaliger Teilnehmer.")


def test_a_namesake_keeps_their_name_surname_first_too(world):
    """Probe 10: the surname-first forms of a name another person bears stay, as the name itself does."""
    heike, namesake = (factories.person(world.org_a, name="Heike Wagner") for _ in range(2))
    _minutes_naming(world, "Anwesend: Wagner, Heike; Heike Wagner")
    privacy.anonymise(heike, by=world.admin)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Session, world.session_a.id).minutes == "Anwesend: Wagner, Heike; Heike Wagner"
    assert db.session.get(Person, namesake.id).name == "Heike Wagner"


def test_name_forms_put_the_surname_first_and_back():
    """Probe 10: the forms the safety net looks for."""
    assert scrub.name_forms("Heike  Wagner") == {"Heike Wagner", "Wagner, Heike", "Wagner,Heike", "Wagner Heike"}
    assert scrub.name_forms("QUIRRELL, Zélda") == {"QUIRRELL, Zélda", "Zélda QUIRRELL"}
    assert scrub.name_forms("Cher") == {"Cher"}


def test_anonymised_person_is_never_mailed_invited_or_chosen_again(client, world, login, bearer, smtp):  # noqa: F811
    person = world.company_a.person
    attendance.invite_all(world.session_a, by=world.moderator_a)
    db.session.commit()
    assert db.session.scalar(select(OutboxMail).where(OutboxMail.person_id == person.id)).status == MailStatus.QUEUED

    privacy.anonymise(person, by=world.admin)
    db.session.commit()
    mail.send_due()
    assert smtp.messages == []  # the queued invitation is not sent
    assert db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.person_id == person.id)) == 0

    other = factories.session(world.process, world.hub_a, title="Workshop A2")
    db.session.commit()
    assert attendance.invite_all(other, by=world.moderator_a) == 0  # nobody else is left in hub A
    with pytest.raises(Invalid):
        attendance.record(other, [(person, AttendanceStatus.INVITED)], by=world.moderator_a)
    with pytest.raises(Invalid):
        sessions.add_action_item(other, text="Protokoll", owner=person, due_on=None, by=world.moderator_a)
    membership = hubs.current_membership(world.org_a, world.process)
    with pytest.raises(Invalid):
        hubs.add_delegate(membership, person, by=world.moderator_a)
    db.session.rollback()
    assert person not in membership.delegates

    response = client.put(f"/api/v1/sessions/{other.id}/attendance", headers=bearer(world.moderator_a),
                          json=[{"person_id": person.id, "status": "attended"}])
    assert response.status_code == 400 and "person_id" in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(Attendance).where(Attendance.session_id == other.id)) is None

    login(world.moderator_a)  # the page offers no way to make them an owner either
    response = client.post(f"/sessions/{world.session_a.id}/action-items",
                           data={"item-text": "Nacharbeit", "item-owner_id": person.id})
    assert response.status_code == 302
    assert db.session.scalar(select(ActionItem).where(ActionItem.owner_id == person.id)) is None
    client.post("/logout")
    mail.send_due()
    assert smtp.messages == []


def test_anonymise_service_refuses_who_is_not_admin_itself_or_twice(world):
    person = world.company_a.person
    for somebody in (world.steering, world.moderator_a, world.company_b):
        with pytest.raises(NotAllowed):
            privacy.anonymise(person, by=somebody)
    with pytest.raises(NotAllowed):
        privacy.anonymise(world.admin.person, by=world.admin)
    privacy.anonymise(person, by=world.admin)
    with pytest.raises(Conflict):
        privacy.anonymise(person, by=world.admin)


# --- finding 13: the data download holds everything linked to the person ------------------------------

def test_data_export_contains_everything_linked_to_the_person(client, world, login):
    story = _everything(client, world, login)
    login(world.admin)
    response = client.get(f"/admin/people/{story.person.id}/data.json")
    assert response.status_code == 200
    data = json.loads(response.data)
    text = response.get_data(as_text=True)

    assert data["person"]["name"] == NAMES[2] and data["person"]["email"] == EMAILS[1]
    assert data["person"]["phone"] == PHONE and data["person"]["organization"] == "Alpha GmbH"
    assert data["account"]["role"] == "company"
    assert data["consents"][0]["purpose"] == "contact"
    assert {a["session"] for a in data["attendance"]} == {"Workshop A1", "Plenum"}
    assert [m["title"] for m in data["proposed_measures"]] == ["Zeldas Idee"]
    assert data["measure_comments"][0]["text"] == "Gute Idee!"
    assert data["measure_comments"][0]["measure_id"] == world.measure_a.id
    assert data["action_items"][0]["text"] == "Räume anfragen" and data["action_items"][0]["due_on"] == "2018-11-01"
    ballot = data["ballots"][0]
    assert ballot["round"] == "Priorisierung" and ballot["entries"][0]["value"] == 3
    assert {m["kind"] for m in data["mails"]} >= {"invitation", "measure_status", "minutes_approved"}
    assert any(f"Guten Tag {NAMES[2]}," in m["body_text"] for m in data["mails"])
    assert data["api_tokens"][0]["name"] == "Laptop" and data["api_tokens"][0]["prefix"].startswith("mpt_")
    token_hash = db.session.scalar(select(ApiToken.token_hash).where(ApiToken.user_id == story.user.id))
    password_hash = db.session.get(User, story.user.id).password_hash
    assert token_hash not in text and password_hash not in text and "argon2" not in text
    about = {(e["action"], e["object_type"]) for e in data["audit"]["about"]}
    assert ("update", "user") in about  # the renames, with the old names
    assert any(NAMES[0] in json.dumps(e["changes"], ensure_ascii=False) for e in data["audit"]["about"])
    assert ("create", "measure_comment") in {(e["action"], e["object_type"]) for e in data["audit"]["by"]}
    delegations = data["delegations"]
    assert delegations[0]["organization"] == "Alpha GmbH" and delegations[0]["hub"] == "Hub A"
    assert delegations[0]["left_at"] is None
    assert data["imports"][0]["row"]["name"] == "QUIRRELL, Zélda"
    assert data["imports"][0]["filename"] == "liste.csv"
    assert "registrations" in data


def test_export_of_a_registration_holds_the_request(client, world):
    client.post(f"/p/{world.process.id}/register", data={
        "name": "Rita Registriert", "email": "rita@gamma.example", "hub_id": world.hub_a.id,
        "organization_name": "Gamma GmbH", "organization_type": "company", "consent_contact": "y"})
    request = db.session.scalar(select(RegistrationRequest))
    approval = registration.approve(request, by=world.admin, create_new=True)
    db.session.commit()
    [entry] = privacy.export_person(approval.user.person)["registrations"]
    assert (entry["status"], entry["organization_as_typed"], entry["hub"]) == ("approved", "Gamma GmbH", "Hub A")


# --- pages for every person, with or without an account -------------------------------------------------

def test_people_without_account_can_be_exported_and_anonymised(client, world, login):
    delegate = factories.person(world.org_a, name="Dora Delegierte", email="dora@alpha.example", phone="0208 1234")
    membership = hubs.current_membership(world.org_a, world.process)
    membership.delegates.append(delegate)
    factories.attendance(world.session_a, delegate, AttendanceStatus.ATTENDED)
    db.session.commit()
    person_page = f"/admin/people/{delegate.id}"

    for somebody in (world.steering, world.moderator_a, world.company_a):
        login(somebody)
        assert client.get("/admin/people?q=Dora").status_code == 403
        assert client.get(person_page).status_code == 403
        assert client.get(f"{person_page}/data.json").status_code == 403
        assert client.get(f"{person_page}/anonymise").status_code == 403
        assert client.post(f"{person_page}/anonymise", data={"confirm": "y"}).status_code == 403
        client.post("/logout")
    assert db.session.get(Person, delegate.id).anonymised_at is None

    login(world.admin)
    organisation = client.get(f"/organizations/{world.org_a.id}").get_data(as_text=True)
    assert f'href="{person_page}"' in organisation  # reachable from the organisation's people
    found = client.get("/admin/people?q=dora").get_data(as_text=True)
    assert f'href="{person_page}"' in found and "Carla Company-A" not in found
    page = client.get(person_page)
    assert page.status_code == 200 and "Dora Delegierte" in page.get_data(as_text=True)

    data = json.loads(client.get(f"{person_page}/data.json").data)
    assert data["person"]["email"] == "dora@alpha.example" and data["account"] is None
    assert data["attendance"][0]["session"] == "Workshop A1" and data["delegations"][0]["hub"] == "Hub A"

    confirm = client.get(f"{person_page}/anonymise")  # a confirmation step first
    assert confirm.status_code == 200 and 'name="confirm"' in confirm.get_data(as_text=True)
    assert client.post(f"{person_page}/anonymise").status_code == 400  # not confirmed: nothing happens
    assert db.session.get(Person, delegate.id).anonymised_at is None
    assert client.post(f"{person_page}/anonymise", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    delegate = db.session.get(Person, delegate.id)
    assert delegate.anonymised_at is not None and delegate.email is None and delegate.phone is None
    assert _traces(("Dora Delegierte", "dora@alpha.example", "0208 1234")) == []
    assert client.get(person_page).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.person_id == delegate.id)) == 1


def test_anonymised_people_page_still_exports_without_secrets(client, world, login):
    person = world.company_a.person
    privacy.anonymise(person, by=world.admin)
    db.session.commit()
    login(world.admin)
    data = json.loads(client.get(f"/admin/people/{person.id}/data.json").data)
    assert data["person"]["email"] is None and data["person"]["anonymised_at"]
    assert datetime.fromisoformat(data["person"]["anonymised_at"])
    assert db.session.scalar(select(HubMembership).where(
        HubMembership.organization_id == world.org_a.id)).delegates == []
