"""Every (from, to, role) combination against DESIGN.md's table: allowed steps succeed and are
recorded; every other one is refused with a clear message and changes nothing."""

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.accounts.models import Role
from tracker.errors import AppError, IllegalTransition, Invalid
from tracker.extensions import db
from tracker.measures import workflow
from tracker.measures.models import MeasureStatus as S
from tracker.measures.models import MeasureTransition

M, ST, P, R = "moderator", "steering", "proposer", "responsible"
# DESIGN.md: (from, to) -> roles that may (admin counts as steering); prioritised is set by closing a round.
ALLOWED = {
    (S.IDEA, S.IN_REVIEW): {M, ST},
    (S.IDEA, S.WITHDRAWN): {P, M, ST},
    (S.IN_REVIEW, S.WITHDRAWN): {P, M, ST},
    (S.IN_REVIEW, S.PROPOSAL): {M, ST},
    (S.IN_REVIEW, S.REJECTED): {M, ST},
    (S.PROPOSAL, S.REJECTED): {ST},
    (S.PROPOSAL, S.ADOPTED): {ST},
    (S.PRIORITISED, S.ADOPTED): {ST},
    (S.ADOPTED, S.IN_PROGRESS): {ST, R},
    (S.IN_PROGRESS, S.COMPLETED): {ST, R},
    (S.ADOPTED, S.ON_HOLD): {ST},
    (S.IN_PROGRESS, S.ON_HOLD): {ST},
    (S.ON_HOLD, S.IN_PROGRESS): {ST},
}
ROLES = {  # role name -> what that user is towards the measure
    "moderator of the hub": {M}, "moderator of another hub": set(), "steering": {ST}, "admin": {ST},
    "proposer's representative": {P}, "other company": set(), "responsible organisation's representative": {R},
}


@pytest.fixture
def cast(world):
    responsible_org = factories.organization(name="Verantwortlich GmbH")
    users = {
        "moderator of the hub": world.moderator_a, "moderator of another hub": world.moderator_b,
        "steering": world.steering, "admin": world.admin, "proposer's representative": world.company_a,
        "other company": world.company_b,
        "responsible organisation's representative": factories.user(Role.COMPANY, organization=responsible_org),
    }
    goal = factories.goal(world.process, title="Oberhausen ist innovativ")
    db.session.commit()
    return users, responsible_org, goal


CASES = [(source, role) for source in S if source != S.MERGED for role in ROLES]


@pytest.mark.parametrize("source,role", CASES, ids=[f"{s.value}-{r}" for s, r in CASES])
def test_transition_table(world, cast, source, role):
    """From one status, as one role, try every other status (merges go through services.merge)."""
    users, responsible_org, goal = cast
    measure = world.measure_a  # hub A, proposed by org A
    for to in S:
        if to in (source, S.MERGED):
            continue
        measure.status = source
        measure.primary_goal = goal
        measure.responsible_organizations = [responsible_org]
        db.session.commit()
        before = db.session.scalar(select(func.count()).select_from(MeasureTransition))
        allowed = bool(ALLOWED.get((source, to), set()) & ROLES[role])
        if allowed:
            step = workflow.transition(measure, to, by=users[role], reason="Weil es so beschlossen wurde")
            db.session.commit()
            assert measure.status == to, to
            assert (step.from_status, step.to_status, step.by_id) == (source, to, users[role].id)
        else:
            with pytest.raises(AppError) as refused:
                workflow.transition(measure, to, by=users[role], reason="Weil")
            assert str(refused.value), to
            db.session.rollback()
            db.session.refresh(measure)
            assert measure.status == source, to
            assert db.session.scalar(select(func.count()).select_from(MeasureTransition)) == before, to


def test_illegal_step_names_the_possible_ones(world, cast):
    users, _org, _goal = cast
    with pytest.raises(IllegalTransition) as refused:
        workflow.transition(world.measure_a, S.ADOPTED, by=users["steering"])
    assert "Prüfung" in str(refused.value) and "Zurückgezogen" in str(refused.value)


def test_prioritised_is_set_only_by_closing_a_round(world, cast):
    users, _org, _goal = cast
    world.measure_a.status = S.PROPOSAL
    with pytest.raises(IllegalTransition):
        workflow.transition(world.measure_a, S.PRIORITISED, by=users["steering"])
    workflow.transition(world.measure_a, S.PRIORITISED, by=users["steering"], system=True)
    assert world.measure_a.status == S.PRIORITISED


@pytest.mark.parametrize("source,to,field", [(S.IN_REVIEW, S.REJECTED, "reason"),
                                             (S.PROPOSAL, S.ADOPTED, "primary_goal_id"),
                                             (S.ADOPTED, S.IN_PROGRESS, "responsible_organization_ids"),
                                             (S.ADOPTED, S.ON_HOLD, "reason")])
def test_requirements_are_named_per_field(world, cast, source, to, field):
    users, _org, _goal = cast
    world.measure_a.status = source
    with pytest.raises(Invalid) as missing:
        workflow.transition(world.measure_a, to, by=users["steering"], reason="")
    assert field in missing.value.fields
    assert world.measure_a.status == source


def test_web_transition_records_and_shows_history(client, world, login):
    login(world.moderator_a)
    response = client.post(f"/measures/{world.measure_a.id}/transition", data={"to": "in_review"})
    assert response.status_code == 302
    page = client.get(f"/measures/{world.measure_a.id}").get_data(as_text=True)
    assert "Idee → In Prüfung" in page and "Mona Moderator-A" in page


def test_web_refuses_a_transition_of_another_hubs_measure(client, world, login):
    login(world.moderator_a)
    response = client.post(f"/measures/{world.measure_b.id}/transition", data={"to": "in_review"})
    assert response.status_code == 403
    db.session.refresh(world.measure_b)
    assert world.measure_b.status == S.IDEA
