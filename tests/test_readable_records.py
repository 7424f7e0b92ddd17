"""Issue 18, item 8: records people can read — system-written notes, the audit log and version comparison
in the reader's language."""

import importlib.util
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask_babel import force_locale
from sqlalchemy import select

from tests import factories
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.measures import services as measures
from tracker.measures.models import MeasureStatus, MeasureTransition
from tracker.plan import versions
from tracker.prioritisation import services as rounds
from tracker.prioritisation.models import Method


def _english(client):
    client.post("/language", data={"locale": "en"})


def test_a_note_written_while_the_interface_was_german_reads_in_english(app, client, login, world, bearer):
    proposal = factories.measure(world.process, world.hub_a, title="Hafen", status=MeasureStatus.PROPOSAL)
    other = factories.measure(world.process, world.hub_a, title="Bahnhof", status=MeasureStatus.PROPOSAL)
    db.session.commit()
    round_ = rounds.open_round(world.process, title="Frühjahr", method=Method.DOTS, measures=[proposal, other],
                               points_per_voter=20, by=world.steering)
    rounds.vote(round_, {proposal.id: 12, other.id: 8}, by=world.company_a)
    rounds.vote(round_, {proposal.id: 1}, by=world.company_b)
    rounds.close_round(round_, by=world.steering)
    with app.test_request_context(headers={"Accept-Language": "de"}), force_locale("de"):
        rounds.mark_prioritised(round_, [proposal.id], by=world.steering)
        measures.merge(other, [world.measure_a], by=world.steering)
    db.session.commit()
    step = proposal.transitions[-1]
    assert step.reason == "Priorisierungsrunde „Frühjahr“: Rang 1 mit 13 Punkten"  # as written, in German
    login(world.company_a)
    _english(client)
    page = client.get(f"/measures/{proposal.id}").get_data(as_text=True)
    assert "Prioritisation round “Frühjahr”: rank 1 with 13 points" in page and "Priorisierungsrunde" not in page
    merged = client.get(f"/measures/{world.measure_a.id}").get_data(as_text=True)
    assert "Merged into “Bahnhof”" in merged and "Zusammengeführt" not in merged
    api = client.get(f"/api/v1/measures/{proposal.id}",
                     headers=bearer(world.company_b) | {"Accept-Language": "en"}).get_json()
    assert api["history"][-1]["reason"] == "Prioritisation round “Frühjahr”: rank 1 with 13 points"


def _migration(revision: str):
    """A migration module (its file name starts with a digit: not importable by name)."""
    path = Path(__file__).parent.parent / "migrations" / "versions" / f"{revision}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{revision}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notes_written_before_are_converted_where_they_can_be_parsed(app, client, login, world):
    convert = _migration("0011_decisions").reason_message
    german = convert("Priorisierungsrunde „Frühjahr“: Rang 2 mit 1.234,5 Punkten")
    assert german == {"key": "prioritisation.prioritised_dots",
                      "params": {"title": "Frühjahr", "rank": 2, "score": {"decimal": "1234.5"}}}
    assert convert("Zusammengeführt in „Hafen“", merged_into_id=7)["params"] == {"title": "Hafen", "id": 7}
    assert convert("carried over from measure 12") == {"key": "measure.carried_over", "params": {"id": 12}}
    assert convert("Zu teuer") is None  # a person's own words stay as they are
    # a converted note reads in the reader's language, numbers in their way
    db.session.add(MeasureTransition(measure_id=world.measure_b.id, to_status=MeasureStatus.PRIORITISED,
                                     reason="Priorisierungsrunde „Frühjahr“: Rang 2 mit 1.234,5 Punkten",
                                     reason_message=german))
    db.session.commit()
    login(world.company_b)
    _english(client)
    assert "rank 2 with 1,234.5 points" in client.get(f"/measures/{world.measure_b.id}").get_data(as_text=True)


def test_the_audit_log_names_fields_statuses_and_objects_in_the_readers_language(client, login, world):
    goal = factories.goal(world.process)
    proposal = factories.measure(world.process, world.hub_a, title="Hafen", status=MeasureStatus.PROPOSAL)
    db.session.commit()
    measures.update(proposal, by=world.steering, expected_version=proposal.version, cost_estimate="10.000 €",
                    is_focus_project=True)
    measures.transition(proposal, MeasureStatus.ADOPTED, by=world.steering, primary_goal=goal)
    db.session.commit()
    login(world.admin)
    _english(client)
    page = client.get("/admin/audit?object_type=measure").get_data(as_text=True)
    assert "Cost estimate: — → 10.000 €" in page and "Focus project: no → yes" in page
    assert "Proposal → Adopted" in page and "Status: Proposal → Adopted" in page
    assert f'<a href="/measures/{proposal.id}">Measure {proposal.id}</a>' in page
    assert "cost_estimate" not in page and "adopted → " not in page
    german = client.post("/language", data={"locale": "de"}) and client.get("/admin/audit?object_type=measure")
    assert "Kostenschätzung: — → 10.000 €" in german.get_data(as_text=True)


def test_the_version_comparison_shows_labels_links_and_rendered_markdown(client, login, world):
    goal = factories.goal(world.process, number=1)
    measure = factories.measure(world.process, world.hub_a, title="Hafen", status=MeasureStatus.ADOPTED,
                                primary_goal=goal, description="Ein *wichtiger* Schritt")
    db.session.commit()
    first = versions.freeze(world.process, "Erste", by=world.steering)
    measure.status = MeasureStatus.IN_PROGRESS
    measure.description = "Ein **großer** Schritt"
    db.session.commit()
    second = versions.freeze(world.process, "Zweite", by=world.steering)
    db.session.commit()
    login(world.steering)
    _english(client)
    page = client.get(f"/processes/{world.process.id}/plan/compare?a={first.id}&b={second.id}").get_data(
        as_text=True)
    changed = page.split('id="measures-changed"')[1].split("</section>")[0]
    assert f'href="/measures/{measure.id}">Hafen</a>' in changed
    assert "<th scope=\"row\">Status</th>" in changed and "Adopted" in changed and "In progress" in changed
    assert "<strong>großer</strong>" in changed and "<em>wichtiger</em>" in changed
    assert "in_progress" not in changed and "description" not in changed


def test_audit_summaries_written_before_read_in_the_readers_language(client, login, world):
    """The migration gives old English summaries their message key; a name that merely looks like one stays."""
    old = [("tally", "prioritisation_round", "paper tally 3: 12 people"),
           ("update", "process", "phase → adoption"),
           ("approve", "plan_version", "approval 1 of 2"),
           ("create", "hub", "resolved")]  # a hub someone named "resolved": their words, not a system text
    for action, object_type, summary in old:
        db.session.add(AuditEvent(action=action, object_type=object_type, object_id=1, summary=summary,
                                  summary_message=None, changes={}))
    db.session.commit()
    migration = _migration("0015_audit_messages")
    with db.engine.begin() as connection:
        migration.op = Operations(MigrationContext.configure(connection))
        migration.upgrade()
    stored = {e.summary: e.summary_message for e in db.session.scalars(select(AuditEvent))}
    assert stored["paper tally 3: 12 people"] == {"key": "prioritisation.paper_tally",
                                                  "params": {"id": 3, "num": {"decimal": "12"}}}
    assert not stored["resolved"]

    login(world.admin)
    _english(client)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "phase → Adoption" in page and "approval 1 of 2" in page and "paper tally 3: 12 people" in page
    client.post("/language", data={"locale": "de"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Phase → Verabschiedung" in page and "Freigabe 1 von 2" in page
    assert "Zählung auf Papier 3: 12 Personen" in page
