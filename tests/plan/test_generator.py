"""The plan document is generated from the records: chapters, measures, annex, organisations."""

import json
import re
from collections import Counter

import pytest

from tracker.extensions import db
from tracker.measures.models import PLAN_STATUSES, Measure, MeasureStatus
from tracker.plan import exports, generator, versions
from tracker.plan.models import FrozenVersionChanged, PlanVersion


def _plan_measure_ids(world):
    return {m.id for m in db.session.scalars(db.select(Measure).where(Measure.process_id == world.process.id))
            if m.status in PLAN_STATUSES}


def test_every_guiding_goal_is_a_chapter_in_number_order(world, plan):
    doc = generator.build(world.process)
    assert [c["title"] for c in doc["chapters"]] == [
        "Oberhausen ist innovativ", "Oberhausen sichert Fachkräfte", "Oberhausen arbeitet zusammen"]
    assert [s["key"] for s in doc["sections"] if s["kind"] == "chapter"] == ["goal-1", "goal-2", "goal-3"]


def test_every_plan_measure_appears_once_under_its_primary_goal(world, plan):
    doc = generator.build(world.process)
    placed = Counter((c["number"], m["id"]) for c in doc["chapters"] for m in c["measures"])
    assert set(placed.values()) == {1}
    assert {mid for _number, mid in placed} == _plan_measure_ids(world)
    for (number, measure_id) in placed:
        assert db.session.get(Measure, measure_id).primary_goal.number == number
    assert plan.open_idea.id not in {mid for _n, mid in placed}


def test_focus_projects_lead_their_chapter_and_are_listed(world, plan):
    doc = generator.build(world.process)
    first = doc["chapters"][0]["measures"][0]
    assert first["id"] == plan.focus.id and first["is_focus_project"] and first["ref"] == "1.1"
    assert [f["id"] for f in doc["focus_projects"]] == [plan.focus.id]


def test_measure_carries_responsible_horizon_and_origin(world, plan):
    measure = generator.all_measures(generator.build(world.process))[plan.focus.id]
    assert measure["responsible"] == ["Wirtschaftsförderung"]
    assert measure["horizon"] == "medium"
    assert measure["hub"] == "Hub A" and measure["session"]["title"] == "Workshop A1"


def test_every_idea_appears_exactly_once_in_the_annex_with_its_fate(world, plan):
    doc = generator.build(world.process)
    ideas = [idea for part in doc["annex"] for idea in part["ideas"]]
    all_ids = set(db.session.scalars(db.select(Measure.id).where(Measure.process_id == world.process.id)))
    assert Counter(i["id"] for i in ideas) == Counter(all_ids)
    fates = {i["id"]: i["fate"] for i in ideas}
    assert fates[plan.merged.id] == {"kind": "merged", "target_id": plan.focus.id, "target_ref": "1.1",
                                     "target_title": "Gründerzentrum am Kanal", "target_hub": "Hub A"}
    assert fates[plan.rejected.id] == {"kind": "rejected", "reason": "zu teuer für den Nutzen"}
    assert fates[plan.open_idea.id]["kind"] == "open"
    assert fates[plan.completed.id]["kind"] == "adopted" and fates[plan.completed.id]["goal_number"] == 2


def test_annex_lists_sessions_with_attendance_per_hub(world, plan):
    doc = generator.build(world.process)
    hub_a = next(part for part in doc["annex"] if part["hub_id"] == world.hub_a.id)
    assert [(s["title"], s["attended"]) for s in hub_a["sessions"]] == [("Workshop A1", 2)]


def test_only_organisations_that_consented_are_named(world, plan):
    doc = generator.build(world.process)
    assert doc["organizations"] == ["Alpha GmbH", "Wirtschaftsförderung"]
    assert "Beta GmbH" not in json.dumps(doc["organizations"])


def test_the_document_is_plain_json_and_names_no_person(world, plan):
    text = json.dumps(generator.build(world.process), ensure_ascii=False)
    for person in ("Carla", "Stefan", "Mona", "Ada", "example.org"):
        assert not re.search(rf"\b{re.escape(person)}\b", text), person


def test_interim_report_has_figures_hubs_and_ideas_but_no_chapters(world, plan):
    doc = generator.build(world.process, generator.INTERIM)
    assert doc["chapters"] == [] and doc["process"]["figures"]["ideas"] == 8
    assert doc["process"]["figures"]["working_hours"] == 4.0
    assert {s["kind"] for s in doc["sections"]} == {"process", "annex"}
    assert sum(len(part["ideas"]) for part in doc["annex"]) == 8


def test_a_frozen_version_does_not_change_when_a_measure_is_edited(world, plan):
    version = versions.freeze(world.process, "Entwurf Dezember 2019", by=world.steering)
    db.session.commit()
    before, digest = json.dumps(version.content, sort_keys=True), version.content_hash
    plan.focus.title = "Gründerzentrum am Hafen"
    plan.completed.primary_goal = plan.goal_1
    db.session.commit()
    db.session.expire_all()
    reloaded = db.session.get(PlanVersion, version.id)
    assert json.dumps(reloaded.content, sort_keys=True) == before
    assert versions.content_hash(reloaded.content) == digest
    markdown = exports.export_version(reloaded, "md").decode()
    assert "Gründerzentrum am Kanal" in markdown and "Gründerzentrum am Hafen" not in markdown


def test_the_database_refuses_to_change_what_a_version_says(world, plan):
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    version.content = {**version.content, "foreword": "nachträglich geändert"}
    with pytest.raises(FrozenVersionChanged):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(PlanVersion, version.id).content["foreword"] == "Ein Jahr gemeinsamer Arbeit."


def test_the_generator_asks_the_database_a_fixed_number_of_times(world, plan):
    from sqlalchemy import event

    from tests import factories

    def count_queries(build):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            build()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    db.session.expire_all()
    small = count_queries(lambda: generator.build(world.process))
    for n in range(15):
        target = factories.measure(world.process, world.hub_b, title=f"Ziel {n}")
        factories.measure(world.process, world.hub_a, title=f"Dublette {n}", status=MeasureStatus.MERGED,
                          merged_into=target)
        factories.measure(world.process, world.hub_a, title=f"Plan {n}", status=MeasureStatus.ADOPTED,
                          primary_goal=plan.goal_2, session=world.session_a)
    db.session.commit()
    db.session.expire_all()
    assert count_queries(lambda: generator.build(world.process)) == small
