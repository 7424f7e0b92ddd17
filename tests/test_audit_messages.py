"""Issue 18, item 8: the audit log's system-written summaries are stored as message keys with parameters
and read in the reader's language, whatever the language of whoever acted."""

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import select

import tracker
from tests import factories
from tracker import messages
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.implementation import services as implementation
from tracker.implementation.models import Light
from tracker.measures.models import MeasureStatus
from tracker.messages import message, render
from tracker.organizations import services as organizations
from tracker.organizations.models import ConsentPurpose
from tracker.plan import versions
from tracker.prioritisation import services as rounds
from tracker.prioritisation.models import Method
from tracker.privacy import services as privacy
from tracker.processes import services as processes
from tracker.processes.models import Phase
from tracker.registration import services as registration

# German system words that must not reach an English reader.
GERMAN_WORDS = ("Zählung", "Personen", "Anmeldung", "Planversion", "Entwurf", "In Prüfung", "Braucht Aufmerksamkeit",
                "Punktabfrage", "Stimmabgabe", "Kennzahl", "Freigaben", "Funktion", "Rolle")


def _audit_page(client, locale: str, **filters) -> str:
    """The audit log's table of events, read in `locale`."""
    client.post("/language", data={"locale": locale})
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    page = client.get(f"/admin/audit?{query}").get_data(as_text=True)
    return page.split("<tbody>")[1].split("</tbody>")[0]


def _act_in_german(app, world):
    """A paper tally of one and of twelve people, a phase change, a plan version frozen and submitted, a
    registration filed and rejected, a progress report and an indicator value, all with a German interface."""
    proposals = [factories.measure(world.process, world.hub_a, title=f"Vorschlag {i}", status=MeasureStatus.PROPOSAL)
                 for i in range(2)]
    adopted = factories.measure(world.process, world.hub_a, title="Hafen", status=MeasureStatus.ADOPTED)
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "de"}), force_locale("de"):
        round_ = rounds.open_round(world.process, title="Frühjahr", method=Method.DOTS, measures=proposals,
                                   points_per_voter=20, by=world.steering)
        one = rounds.add_tally(round_, {proposals[0].id: 5}, voters=1, by=world.steering)
        twelve = rounds.add_tally(round_, {proposals[0].id: 100, proposals[1].id: 40}, voters=12, by=world.steering)
        processes.set_phase(world.process, Phase.CONSOLIDATION, by=world.steering)
        version = versions.freeze(world.process, "Erste", by=world.steering)
        versions.submit(version, by=world.steering)
        request = registration.request_registration(
            world.process, hub=world.hub_a, name="Nina Neu", email="nina@neu.example", function=None,
            organization_name="Neu GmbH", consent_contact=True, consent_named=False)
        registration.reject(request, by=world.admin, reason="Doppelt")
        implementation.report_progress(adopted, on=date(2026, 5, 1), percent=40, light=Light.YELLOW,
                                       by=world.steering)
        indicator = implementation.add_indicator(world.process, name="Beschäftigte", by=world.steering)
        implementation.add_value(indicator, on=date(2026, 5, 1), value=Decimal("1234.5"), by=world.steering)
    db.session.commit()
    return one, twelve, request


def test_system_summaries_written_in_german_read_in_english(app, client, login, world):
    one, twelve, request = _act_in_german(app, world)
    login(world.admin)
    page = _audit_page(client, "en")
    assert f"paper tally {one.id}: 1 person" in page and f"paper tally {twelve.id}: 12 people" in page
    assert "Dot voting: Frühjahr" in page
    assert "phase → Consolidation" in page
    assert "plan version “Erste”" in page and "Draft → In review" in page
    assert f"registration {request.id} → A" in page and f"registration {request.id}<" in page
    assert "40%, Needs attention" in page and "Traffic light: Needs attention" in page
    assert "Beschäftigte: 1,234.5" in page
    leaked = [word for word in GERMAN_WORDS if word in page]
    assert not leaked


def test_the_same_summaries_read_in_german(app, client, login, world):
    one, twelve, request = _act_in_german(app, world)
    login(world.admin)
    page = _audit_page(client, "de")
    assert f"Zählung auf Papier {one.id}: 1 Person" in page and f"Zählung auf Papier {twelve.id}: 12 Personen" in page
    assert "Punktabfrage: Frühjahr" in page
    assert "Phase → Konsolidierung" in page
    assert "Planversion „Erste“" in page and "Entwurf → In Prüfung" in page
    assert f"Anmeldung {request.id} → A" in page and f"Anmeldung {request.id}<" in page
    assert "40\u00a0%, Braucht Aufmerksamkeit" in page
    assert "Beschäftigte: 1.234,5" in page
    assert "paper tally" not in page and "people" not in page and "phase →" not in page and "Draft" not in page


def test_the_plain_summary_stays_searchable_text(app, client, login, world):
    one, _twelve, request = _act_in_german(app, world)
    events = {e.action: e for e in db.session.scalars(select(AuditEvent))}
    assert events["reject_registration"].summary == f"registration {request.id}"
    assert events["reject_registration"].summary_message == {"key": "registration.request",
                                                             "params": {"id": request.id}}
    login(world.admin)
    page = _audit_page(client, "en", q=f"paper+tally+{one.id}")
    assert f"paper tally {one.id}: 1 person" in page and "Needs attention" not in page


def test_changed_fields_are_named_by_their_labels(app, client, login, world):
    with app.test_request_context(headers={"Accept-Language": "de"}), force_locale("de"):
        accounts.update_user(world.company_a, by=world.admin, name=world.company_a.name,
                             email=world.company_a.email, function="Einkauf", organization=world.org_a,
                             role=Role.COMPANY, is_active=True)
        accounts.create_user(by=world.admin, name="Olga Ober", email="olga@ober.example", role=Role.MODERATOR,
                             organization=world.partner, moderated_hubs=[world.hub_a])
    db.session.commit()
    login(world.admin)
    english = _audit_page(client, "en", object_type="user")
    assert f"{world.company_a.email}: Function" in english and "olga@ober.example (Hub moderator)" in english
    german = _audit_page(client, "de", object_type="user")
    assert f"{world.company_a.email}: Funktion" in german and "olga@ober.example (Hub-Moderation)" in german


def test_anonymising_removes_the_email_from_the_stored_message(app, client, login, world):
    user = accounts.create_user(by=world.admin, name="Olga Ober", email="olga@ober.example", role=Role.COMPANY,
                                organization=world.org_a)
    db.session.commit()
    privacy.anonymise(user.person, by=world.admin)
    db.session.commit()
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create",
                                                         AuditEvent.object_type == "user"))
    assert "olga@ober.example" not in str(created.summary_message) and "olga@ober.example" not in created.summary
    login(world.admin)
    assert "olga@ober.example" not in _audit_page(client, "en")


def test_a_message_that_cannot_be_rendered_shows_the_stored_text(app):
    with app.test_request_context(), force_locale("en"):
        assert render(message("prioritisation.paper_tally", id=3), "paper tally 3") == "paper tally 3"
        assert render(message("no.such_key", id=3), "as stored") == "as stored"
        assert render(message("prioritisation.paper_tally", id=3, num=1)) == "paper tally 3: 1 person"


def _message_keys_in_code() -> set[str]:
    """Every literal key passed to tracker.messages.message() in the code (both keys of a conditional)."""
    keys = set()
    for path in Path(tracker.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "message" \
                    and node.args:
                first = node.args[0]
                choices = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
                keys |= {c.value for c in choices if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return keys


def test_every_message_key_written_in_the_code_is_registered(app):
    keys = _message_keys_in_code()
    assert {"prioritisation.paper_tally", "plan.comment_reopened", "accounts.user_changed"} <= keys
    assert sorted(keys - set(messages._MESSAGES)) == []


def test_a_consent_reads_with_its_purpose_as_a_label(app, client, login, world):
    person = world.company_a.person
    with app.test_request_context(headers={"Accept-Language": "de"}), force_locale("de"):
        organizations.add_consent(person, ConsentPurpose.NAMED_IN_PLAN, by=world.admin, text_version="2026-01")
    db.session.commit()
    login(world.admin)
    english = _audit_page(client, "en", object_type="person")
    assert f"person {person.id}: may be named in the plan (text version 2026-01)" in english
    assert "Consent: may be named in the plan" in english and "named_in_plan" not in english
    german = _audit_page(client, "de", object_type="person")
    assert f"Person {person.id}: darf im Plan genannt werden (Textfassung 2026-01)" in german
