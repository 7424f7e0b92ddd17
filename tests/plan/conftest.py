"""A process with a plan worth printing: guiding goals, adopted measures, focus projects, and ideas
that were merged, rejected or are still open."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests import factories
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.measures.models import Horizon, Measure, MeasureStatus, MeasureTransition
from tracker.organizations.models import Organization


@pytest.fixture
def app_config(app_config):
    """No browser for chart images unless a test asks for one (tests/plan/test_charts.py)."""
    return {**app_config, "PLAN_CHART_IMAGES": False}


@dataclass
class PlanWorld:
    goal_1: GuidingGoal
    goal_2: GuidingGoal
    goal_3: GuidingGoal
    adopted: Measure
    focus: Measure
    in_progress: Measure
    completed: Measure
    merged: Measure
    rejected: Measure
    open_idea: Measure
    consenting: Organization
    silent: Organization


@pytest.fixture
def plan(world) -> PlanWorld:
    process = world.process
    process.foreword = "Ein Jahr gemeinsamer Arbeit."
    goal_1 = factories.goal(process, number=1, title="Oberhausen ist innovativ", introduction="Innovation zählt.",
                            objective="Mehr Gründungen.")
    goal_2 = factories.goal(process, number=2, title="Oberhausen sichert Fachkräfte",
                            introduction="Fachkräfte fehlen.", objective="Mehr Ausbildung.")
    goal_3 = factories.goal(process, number=3, title="Oberhausen arbeitet zusammen")
    world.org_a.consents_to_be_named = True
    world.partner.consents_to_be_named = True

    def adopted(title, goal, status=MeasureStatus.ADOPTED, **fields):
        measure = factories.measure(process, world.hub_a, title=title, status=status, primary_goal=goal,
                                    description=f"Beschreibung {title}", approach=f"Vorgehen {title}",
                                    horizon=Horizon.MEDIUM, session=world.session_a, **fields)
        measure.responsible_organizations = [world.partner]
        measure.goals = [goal_3]
        return measure

    world.measure_a.status = MeasureStatus.ADOPTED
    world.measure_a.primary_goal = goal_1
    world.measure_b.status = MeasureStatus.IN_REVIEW
    result = PlanWorld(
        goal_1=goal_1, goal_2=goal_2, goal_3=goal_3,
        adopted=world.measure_a,
        focus=adopted("Gründerzentrum am Kanal", goal_1, is_focus_project=True),
        in_progress=adopted("Ausbildungsbörse", goal_2, status=MeasureStatus.IN_PROGRESS),
        completed=adopted("Azubi-Ticket", goal_2, status=MeasureStatus.COMPLETED),
        merged=factories.measure(process, world.hub_a, title="Gründerhaus", status=MeasureStatus.MERGED),
        rejected=factories.measure(process, world.hub_b, title="Seilbahn zum Gasometer",
                                   status=MeasureStatus.REJECTED),
        open_idea=factories.measure(process, world.hub_b, title="Coworking im Bahnhof"),
        consenting=world.org_a, silent=world.org_b,
    )
    result.merged.merged_into = result.focus
    db.session.add(MeasureTransition(measure=result.rejected, from_status=MeasureStatus.IN_REVIEW,
                                     to_status=MeasureStatus.REJECTED, reason="zu teuer für den Nutzen"))
    factories.attendance(world.session_a, world.company_a.person)
    factories.attendance(world.session_a, world.moderator_a.person)
    db.session.commit()
    return result
