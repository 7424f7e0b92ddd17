"""The plan's rules in its services: refused without the right whoever calls (page, API, CLI), and the
order of the API (access before input)."""

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.errors import Conflict, IllegalTransition, Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.permissions import SYSTEM
from tracker.plan import review, updates, versions
from tracker.plan.models import PlanStatus, PlanVersion, ReviewComment
from tracker.processes.models import Process

OUTSIDERS = ["moderator_a", "company_a"]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _in_review(world) -> PlanVersion:
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    versions.submit(version, by=world.steering)
    db.session.commit()
    return version


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_service_refuses_freezing_by_others(world, plan, who):
    with pytest.raises(NotAllowed):
        versions.freeze(world.process, "Heimlich", by=getattr(world, who))
    assert _count(PlanVersion) == 0


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_service_refuses_submitting_and_approving_by_others(world, plan, who):
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    with pytest.raises(NotAllowed):
        versions.submit(version, by=getattr(world, who))
    versions.submit(version, by=world.steering)
    with pytest.raises(NotAllowed):
        versions.approve(version, by=getattr(world, who))
    assert version.status == PlanStatus.IN_REVIEW


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_service_refuses_comments_and_resolving_by_others(world, plan, who):
    version = _in_review(world)
    with pytest.raises(NotAllowed):
        review.add_comment(version, "goal-1", "Von außen", by=getattr(world, who))
    comment = review.add_comment(version, "goal-1", "Bitte kürzen", by=world.steering)
    with pytest.raises(NotAllowed):
        review.resolve_comment(comment, by=getattr(world, who))
    assert comment.resolved is False and _count(ReviewComment) == 1


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_service_refuses_plan_texts_by_others(world, plan, who):
    with pytest.raises(NotAllowed):
        versions.save_text(world.process, expected_version=world.process.version, foreword="x", by=getattr(world, who))
    with pytest.raises(NotAllowed):
        versions.save_text(plan.goal_1, expected_version=plan.goal_1.version, objective="y", by=getattr(world, who))
    assert world.process.foreword == "Ein Jahr gemeinsamer Arbeit." and plan.goal_1.objective == "Mehr Gründungen."


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_service_refuses_starting_an_update_by_others(world, plan, who):
    version = _in_review(world)
    factories.approve_plan_version(version)
    with pytest.raises(NotAllowed):
        updates.start_update(version, "Update", by=getattr(world, who))
    assert _count(Process) == 1


def test_steps_out_of_order_are_conflicts(world, plan):
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    with pytest.raises(IllegalTransition):
        versions.approve(version, by=world.steering)
    with pytest.raises(Conflict):
        review.add_comment(version, "goal-1", "Zu früh", by=world.steering)
    with pytest.raises(IllegalTransition):
        updates.start_update(version, "Update", by=world.steering)
    versions.submit(version, by=world.steering)
    with pytest.raises(IllegalTransition):
        versions.submit(version, by=world.steering)


def test_a_comment_names_a_section_and_measure_of_its_version(world, plan):
    other = versions.freeze(world.process, "Andere", by=world.steering)
    versions.submit(other, by=world.steering)
    foreign = review.add_comment(other, "goal-1", "Anderswo", by=world.steering)
    version = _in_review(world)  # supersedes the other version; its comments stay with it
    with pytest.raises(Invalid) as refused:
        review.add_comment(version, "nope", "x", by=world.steering)
    assert refused.value.field == "section"
    with pytest.raises(Invalid) as refused:
        review.add_comment(version, "goal-1", "x", measure_id=plan.rejected.id, by=world.steering)
    assert refused.value.field == "measure_id"
    with pytest.raises(Invalid) as refused:
        review.add_comment(version, "goal-1", "Antwort", parent_id=foreign.id, by=world.steering)
    assert refused.value.field == "parent_id"


def test_a_stale_foreword_is_a_conflict_in_the_service(world, plan):
    version = world.process.version
    versions.save_text(world.process, expected_version=version, foreword="Neu", by=world.steering)
    db.session.commit()
    with pytest.raises(StaleVersion):
        versions.save_text(world.process, expected_version=version, foreword="Alt", by=world.steering)


def test_commands_act_as_the_system_but_approvals_are_people(world, plan):
    """The CLI and scheduled jobs freeze and submit as the installation, recorded without a user; four eyes
    are two people of the steering group, never the installation."""
    version = versions.freeze(world.process, "Beschluss", by=SYSTEM)
    versions.submit(version, by=SYSTEM)
    with pytest.raises(NotAllowed):
        versions.approve(version, by=SYSTEM)
    db.session.commit()
    assert (version.status, version.created_by_id, version.submitted_by_id) == (PlanStatus.IN_REVIEW, None, None)
    versions.approve(version, by=world.steering)
    versions.approve(version, by=world.admin)
    assert version.status == PlanStatus.APPROVED


# The API: the right is checked before the body is read ---------------------------------------------

@pytest.mark.parametrize("body", [{}, {"label": ""}, {"unknown": 1}, {"label": "Gültig"}])
def test_the_api_refuses_freezing_by_a_moderator_whatever_the_body(client, world, plan, bearer, body):
    response = client.post(f"/api/v1/processes/{world.process.id}/plan/versions", json=body,
                           headers=bearer(world.moderator_a))
    assert response.status_code == 403
    assert _count(PlanVersion) == 0


@pytest.mark.parametrize("body", [{}, {"section": "nope"}, {"section": "goal-1", "text": "Von außen"}])
def test_the_api_refuses_comments_by_a_moderator_whatever_the_body(client, world, plan, bearer, body):
    version = _in_review(world)
    response = client.post(f"/api/v1/plan/versions/{version.id}/comments", json=body,
                           headers=bearer(world.moderator_a))
    assert response.status_code == 403
    assert _count(ReviewComment) == 0


def test_the_api_answers_the_services_refusals(client, world, plan, bearer):
    headers = bearer(world.steering)
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    assert client.post(f"/api/v1/plan/versions/{version.id}/submit", headers=bearer(world.company_a)).status_code \
        == 403
    early = client.post(f"/api/v1/plan/versions/{version.id}/comments", json={"section": "goal-1", "text": "x"},
                        headers=headers)
    assert early.status_code == 409
    blank = client.post(f"/api/v1/processes/{world.process.id}/plan/versions", json={"label": "   "},
                        headers=headers)
    assert blank.status_code == 400 and "label" in blank.json["error"]["fields"]
    draft = client.get(f"/api/v1/plan/versions/{version.id}", headers=bearer(world.company_a))
    assert draft.status_code == 403  # a draft is not public; an approved version is


def test_the_page_refuses_starting_an_update_before_reading_the_form(client, login, world, plan):
    version = _in_review(world)
    factories.approve_plan_version(version)
    db.session.commit()
    login(world.moderator_a)
    assert client.post(f"/plan/versions/{version.id}/update-process", data={}).status_code == 403
    assert _count(Process) == 1
