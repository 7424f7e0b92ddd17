"""Steering freezes, submits and approves plan versions; reviews them; the approved one is public."""

import re

import pytest

from tests import factories
from tracker.audit.models import AuditEvent
from tracker.errors import Conflict, NotAllowed
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.mail.models import MailKind, OutboxMail
from tracker.measures.models import Measure, MeasureStatus
from tracker.plan import review, versions
from tracker.plan.compare import compare
from tracker.plan.models import PlanApproval, PlanStatus, PlanVersion, ReviewComment
from tracker.processes.models import Process


def _freeze(client, world, label="Entwurf Dezember 2019") -> PlanVersion:
    response = client.post(f"/processes/{world.process.id}/plan/versions", data={"label": label})
    assert response.status_code == 302
    return db.session.scalar(db.select(PlanVersion).where(PlanVersion.label == label))


def _approved(world, plan, label="Masterplan 2019") -> PlanVersion:
    version = versions.freeze(world.process, label, by=world.steering)
    versions.submit(version, by=world.steering)
    factories.approve_plan_version(version)
    db.session.commit()
    return version


def _version(version_id: int) -> PlanVersion:
    db.session.expire_all()
    return db.session.get(PlanVersion, version_id)


def test_steering_freezes_the_draft_into_a_version(client, login, world, plan):
    login(world.steering)
    version = _freeze(client, world)
    assert version.status == PlanStatus.DRAFT and version.number == 1
    assert version.content["title"]["label"] == "Entwurf Dezember 2019"
    page = client.get(f"/plan/versions/{version.id}").get_data(as_text=True)
    assert "Entwurf Dezember 2019" in page and "Leitziel 1: Oberhausen ist innovativ" in page
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.object_type == "plan_version"))


def test_freezing_needs_a_label(client, login, world, plan):
    login(world.steering)
    response = client.post(f"/processes/{world.process.id}/plan/versions", data={"label": "  "})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(PlanVersion.id))) == 0


@pytest.mark.parametrize("role,status", [("moderator_a", 200), ("steering", 200), ("admin", 200),
                                         ("company_a", 403)])
def test_the_draft_is_read_by_steering_admin_and_moderators(client, login, world, plan, role, status):
    login(getattr(world, role))
    assert client.get(f"/processes/{world.process.id}/plan").status_code == status


def test_the_draft_page_shows_chapters_measures_and_annex(client, login, world, plan):
    login(world.moderator_a)
    page = client.get(f"/processes/{world.process.id}/plan").get_data(as_text=True)
    assert "Leitziel 2: Oberhausen sichert Fachkräfte" in page
    assert "Gründerzentrum am Kanal" in page and "Fokusprojekt" in page
    assert "zusammengeführt mit 1.1 „Gründerzentrum am Kanal“" in page
    assert "abgelehnt, weil: zu teuer für den Nutzen" in page
    assert "Diesen Entwurf einfrieren" not in page  # moderators read only
    assert "built-in method" not in page


@pytest.mark.parametrize("role", ["moderator_a", "company_a"])
def test_only_steering_freezes(client, login, world, plan, role):
    login(getattr(world, role))
    response = client.post(f"/processes/{world.process.id}/plan/versions", data={"label": "X"})
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(PlanVersion.id))) == 0


@pytest.mark.parametrize("role", ["moderator_a", "company_a"])
def test_only_steering_approves(client, login, world, plan, role):
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    versions.submit(version, by=world.steering)
    db.session.commit()
    login(getattr(world, role))
    assert client.post(f"/plan/versions/{version.id}/approve").status_code == 403
    db.session.expire_all()
    version = db.session.get(PlanVersion, version.id)
    assert version.status == PlanStatus.IN_REVIEW and version.approved_at is None


def test_four_eyes_two_members_other_than_the_submitter_approve(client, login, world, plan):
    """Issue 18: the submitter cannot approve, one approval is not enough, nobody approves twice."""
    second_member = factories.make_steering(world.process, organization=world.partner, name="Sina Steering-2")
    db.session.commit()
    login(world.steering)
    version = _freeze(client, world)
    assert client.post(f"/plan/versions/{version.id}/approve").status_code == 409  # a draft is not approved
    assert client.post(f"/plan/versions/{version.id}/submit").status_code == 302
    page = client.get(f"/plan/versions/{version.id}").get_data(as_text=True)
    assert "0 von 2 Freigaben" in page and "Sie haben diese Fassung eingereicht" in page
    assert f'action="/plan/versions/{version.id}/approve"' not in page  # no button for the submitter
    refused = client.post(f"/plan/versions/{version.id}/approve")
    assert refused.status_code == 403 and "Vier-Augen-Prinzip" in refused.get_data(as_text=True)
    assert _version(version.id).status == PlanStatus.IN_REVIEW and not _version(version.id).approvals

    login(world.admin)  # an admin counts as a steering member
    assert f'action="/plan/versions/{version.id}/approve"' in client.get(f"/plan/versions/{version.id}").get_data(
        as_text=True)
    first = client.post(f"/plan/versions/{version.id}/approve", follow_redirects=True)
    assert first.status_code == 200 and "Ihre Freigabe ist vermerkt: 1 von 2 Freigaben" in first.get_data(as_text=True)
    assert _version(version.id).status == PlanStatus.IN_REVIEW
    again = client.post(f"/plan/versions/{version.id}/approve")
    assert again.status_code == 409 and "bereits freigegeben" in again.get_data(as_text=True)
    page = client.get(f"/plan/versions/{version.id}").get_data(as_text=True)
    assert "1 von 2 Freigaben" in page and "Freigegeben von Ada Admin" in page
    assert client.get(f"/p/{world.process.id}/plan").status_code == 404  # not published yet

    login(second_member)
    assert client.post(f"/plan/versions/{version.id}/approve").status_code == 302
    version = _version(version.id)
    assert version.status == PlanStatus.APPROVED and version.approved_by_id == second_member.id
    assert [a.user_id for a in version.approvals] == [world.admin.id, second_member.id]
    page = client.get(f"/plan/versions/{version.id}").get_data(as_text=True)
    assert "Freigegeben von Ada Admin" in page and "Freigegeben von Sina Steering-2" in page
    assert client.get(f"/p/{world.process.id}/plan").status_code == 200


def test_the_service_refuses_the_submitter_and_a_second_approval(world, plan):
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    versions.submit(version, by=world.steering)
    with pytest.raises(NotAllowed, match=r"Vier-Augen-Prinzip|four eyes"):
        versions.approve(version, by=world.steering)
    versions.approve(version, by=world.admin)
    with pytest.raises(Conflict):
        versions.approve(version, by=world.admin)
    db.session.commit()
    assert version.status == PlanStatus.IN_REVIEW
    assert db.session.scalar(db.select(db.func.count(PlanApproval.id))) == 1


def test_an_admin_who_submitted_does_not_approve_either(world, plan):
    version = versions.freeze(world.process, "Entwurf", by=world.admin)
    versions.submit(version, by=world.admin)
    with pytest.raises(NotAllowed):
        versions.approve(version, by=world.admin)
    assert version.status == PlanStatus.IN_REVIEW and not version.approvals


def test_one_approval_is_enough_where_the_process_asks_for_one(world, plan):
    world.process.approvals_needed = 1
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    versions.submit(version, by=world.steering)
    versions.approve(version, by=world.admin)
    assert version.status == PlanStatus.APPROVED and version.approved_by is world.admin


def test_reviewers_are_mailed_on_submit_but_not_the_submitter(client, login, world, plan):
    second_member = factories.make_steering(world.process, organization=world.partner, name="Sina Steering-2",
                                   email="sina@example.org")
    factories.make_steering(world.process, organization=world.partner, name="Ina Inaktiv").is_active_account = False
    db.session.commit()
    login(world.steering)
    version = _freeze(client, world, "Masterplan 2019")
    assert client.post(f"/plan/versions/{version.id}/submit").status_code == 302
    mails = db.session.scalars(db.select(OutboxMail).where(OutboxMail.kind == MailKind.PLAN_REVIEW)).all()
    assert [m.to_address for m in mails] == ["sina@example.org"]  # not the submitter, not an inactive account
    mail = mails[0]
    assert "Masterplan 2019" in mail.subject
    public_url = client.application.config["PUBLIC_URL"].rstrip("/")
    assert f"{public_url}/plan/versions/{version.id}" in mail.body_text
    assert "Stefan Steering hat die Fassung" in mail.body_text and "2 Mitglieder" in mail.body_text
    assert second_member.person.email == mail.to_address


def test_a_new_submission_supersedes_the_version_still_in_review(client, login, world, plan):
    login(world.steering)
    older = _freeze(client, world, "Fassung 1")
    client.post(f"/plan/versions/{older.id}/submit")
    versions.approve(_version(older.id), by=world.admin)
    db.session.commit()
    newer = _freeze(client, world, "Fassung 2")
    assert client.post(f"/plan/versions/{newer.id}/submit").status_code == 302
    older = _version(older.id)
    assert older.status == PlanStatus.SUPERSEDED and older.superseded_at is not None
    assert _version(newer.id).status == PlanStatus.IN_REVIEW
    login(world.admin)
    assert client.post(f"/plan/versions/{older.id}/approve").status_code == 409  # nothing waits there any more
    assert _version(older.id).status == PlanStatus.SUPERSEDED


def test_approving_a_new_version_supersedes_the_previous_one(client, login, world, plan):
    first = _approved(world, plan, "Masterplan 2019")
    login(world.steering)
    second = _freeze(client, world, "Masterplan 2020")
    client.post(f"/plan/versions/{second.id}/submit")
    login(world.admin)
    client.post(f"/plan/versions/{second.id}/approve")
    assert _version(second.id).status == PlanStatus.IN_REVIEW  # one of two
    assert _version(first.id).status == PlanStatus.APPROVED
    factories.approve_plan_version(_version(second.id))
    db.session.commit()
    assert db.session.get(PlanVersion, first.id).status == PlanStatus.SUPERSEDED
    assert db.session.get(PlanVersion, second.id).status == PlanStatus.APPROVED
    public = client.get(f"/p/{world.process.id}/plan").get_data(as_text=True)
    assert "Masterplan 2020" in public


def test_public_plan_needs_no_login_and_shows_nothing_personal(client, world, plan):
    assert client.get(f"/p/{world.process.id}/plan").status_code == 404  # nothing approved yet
    _approved(world, plan)
    response = client.get(f"/p/{world.process.id}/plan")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Gründerzentrum am Kanal" in page and "ENTWURF" not in page
    for personal in ("Carla", "Stefan Steering", "Mona", "Ada Admin", "@example.org", "Geheimer Entwurf"):
        assert not re.search(rf"\b{re.escape(personal)}\b", page), personal
    assert "Beta GmbH" not in page  # did not consent to be named
    markdown = client.get(f"/p/{world.process.id}/plan?format=md")
    assert markdown.status_code == 200 and "Stefan" not in markdown.get_data(as_text=True)


def test_the_public_sees_no_draft_and_no_version_list(client, world, plan):
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    assert client.get(f"/processes/{world.process.id}/plan").status_code == 302
    assert client.get(f"/plan/versions/{version.id}").status_code == 302
    assert client.get(f"/plan/versions/{version.id}?format=md").status_code == 302


def test_steering_comments_answers_and_resolves_during_review(client, login, world, plan):
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    login(world.steering)
    assert client.post(f"/plan/versions/{version.id}/comments",
                       data={"section_key": "goal-1", "text": "Zu früh"}).status_code == 409  # not in review yet
    client.post(f"/plan/versions/{version.id}/submit")
    client.post(f"/plan/versions/{version.id}/comments",
                data={"section_key": "goal-1", "text": "Bitte **schärfen** <script>x</script>"})
    client.post(f"/plan/versions/{version.id}/comments",
                data={"section_key": "goal-1", "measure_id": plan.focus.id, "text": "Standort klären"})
    root = db.session.scalar(db.select(ReviewComment).where(ReviewComment.measure_id.is_(None)))
    client.post(f"/plan/versions/{version.id}/comments", data={"section_key": "goal-1", "parent_id": root.id,
                                                               "text": "Erledige ich"})
    page = client.get(f"/plan/versions/{version.id}").get_data(as_text=True)
    assert "<strong>schärfen</strong>" in page and "<script>x" not in page
    assert "2 offene Kommentare" in page and "Erledige ich" in page
    client.post(f"/plan/comments/{root.id}/resolve")
    page = client.get(f"/plan/versions/{version.id}").get_data(as_text=True)
    assert "1 offene Kommentare" in page
    assert review.open_comment_counts(version) == {"goal-1": 1}


def test_moderators_read_but_do_not_comment(client, login, world, plan):
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    versions.submit(version, by=world.steering)
    db.session.commit()
    login(world.moderator_a)
    assert client.get(f"/plan/versions/{version.id}").status_code == 200
    response = client.post(f"/plan/versions/{version.id}/comments", data={"section_key": "goal-1", "text": "x"})
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(ReviewComment.id))) == 0


def test_compare_shows_added_removed_changed_measures_and_text_changes(client, login, world, plan):
    first = versions.freeze(world.process, "Erste Fassung", by=world.steering)
    plan.focus.title = "Gründerzentrum am Hafen"
    plan.in_progress.status = MeasureStatus.REJECTED
    plan.open_idea.status = MeasureStatus.ADOPTED
    plan.open_idea.primary_goal = plan.goal_3
    plan.goal_1.objective = "Doppelt so viele Gründungen."
    db.session.commit()
    second = versions.freeze(world.process, "Zweite Fassung", by=world.steering)
    db.session.commit()
    comparison = compare(first, second)
    assert [m["id"] for m in comparison.added] == [plan.open_idea.id]
    assert [m["id"] for m in comparison.removed] == [plan.in_progress.id]
    changed = {before["id"]: fields for before, _after, fields in comparison.changed}
    assert ("title", "Gründerzentrum am Kanal", "Gründerzentrum am Hafen") in changed[plan.focus.id]
    login(world.steering)
    page = client.get(f"/processes/{world.process.id}/plan/compare?a={first.id}&b={second.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Doppelt so viele Gründungen." in text and "Mehr Gründungen." in text
    assert "Coworking im Bahnhof" in text


def test_compare_escapes_text(world, plan):
    first = versions.freeze(world.process, "A", by=world.steering)
    world.process.foreword = "<b>fett</b>"
    db.session.commit()
    second = versions.freeze(world.process, "B", by=world.steering)
    foreword = next(s for s in compare(first, second).sections if s.key == "foreword")
    assert any("<b>fett</b>" in right for _tag, _left, right in foreword.rows)  # raw data; Jinja escapes


def test_steering_edits_the_foreword_and_a_stale_version_is_a_conflict(client, login, world, plan):
    login(world.steering)
    version = world.process.version
    response = client.post(f"/processes/{world.process.id}/plan/foreword",
                           data={"foreword": "Neues Vorwort", "version": version})
    assert response.status_code == 302
    stale = client.post(f"/processes/{world.process.id}/plan/foreword",
                        data={"foreword": "Mein anderes Vorwort", "version": version})
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Neues Vorwort" in text and "Mein anderes Vorwort" in text
    db.session.expire_all()
    assert db.session.get(Process, world.process.id).foreword == "Neues Vorwort"


def test_steering_edits_a_goals_texts_with_locking(client, login, world, plan):
    login(world.steering)
    goal_id, version = plan.goal_1.id, plan.goal_1.version
    assert client.get(f"/plan/goals/{goal_id}").status_code == 200
    client.post(f"/plan/goals/{goal_id}", data={"introduction": "Neu", "objective": "Ziel neu", "version": version})
    stale = client.post(f"/plan/goals/{goal_id}", data={"introduction": "Alt", "objective": "x", "version": version})
    assert stale.status_code == 409
    db.session.expire_all()
    goal = db.session.get(GuidingGoal, goal_id)
    assert (goal.introduction, goal.objective) == ("Neu", "Ziel neu")
    assert "Ziel neu" in client.get(f"/processes/{world.process.id}/plan").get_data(as_text=True)


def test_moderator_cannot_edit_plan_texts(client, login, world, plan):
    login(world.moderator_a)
    assert client.post(f"/plan/goals/{plan.goal_1.id}",
                       data={"introduction": "x", "objective": "y", "version": 1}).status_code == 403
    assert client.get(f"/processes/{world.process.id}/plan/foreword").status_code == 403


def test_update_process_carries_goals_and_measures_linked_to_their_originals(client, login, world, plan):
    version = _approved(world, plan)
    plan.completed.title = "Azubi-Ticket"  # unchanged
    db.session.commit()
    login(world.steering)
    response = client.post(f"/plan/versions/{version.id}/update-process", data={"name": "Kompaktes Update"})
    assert response.status_code == 302
    update = db.session.scalar(db.select(Process).where(Process.name == "Kompaktes Update"))
    assert update.parent_id == world.process.id
    assert [g.title for g in update.goals] == [g.title for g in world.process.goals]
    carried = list(db.session.scalars(db.select(Measure).where(Measure.process_id == update.id)))
    assert {m.origin_measure_id for m in carried} == {plan.adopted.id, plan.focus.id, plan.in_progress.id,
                                                      plan.completed.id}
    focus_copy = next(m for m in carried if m.origin_measure_id == plan.focus.id)
    assert focus_copy.primary_goal.process_id == update.id and focus_copy.is_focus_project
    # The updated plan says what is new, what changed and what was completed.
    focus_copy.title = "Gründerzentrum 2.0"
    next(m for m in carried if m.origin_measure_id == plan.in_progress.id).status = MeasureStatus.COMPLETED
    db.session.commit()
    page = client.get(f"/processes/{update.id}/plan").get_data(as_text=True)
    assert "geändert" in page and "seit dem letzten Plan abgeschlossen" in page and "unverändert" in page


def test_update_starts_only_from_an_approved_plan(client, login, world, plan):
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    login(world.steering)
    assert client.post(f"/plan/versions/{version.id}/update-process", data={"name": "X"}).status_code == 409
    assert db.session.scalar(db.select(db.func.count(Process.id))) == 1


def test_interim_report_page_and_markdown(client, login, world, plan):
    login(world.steering)
    page = client.get(f"/processes/{world.process.id}/interim-report").get_data(as_text=True)
    assert "Zwischenbericht" in page and "Anhang: Hub A" in page
    markdown = client.get(f"/processes/{world.process.id}/interim-report?format=md").get_data(as_text=True)
    assert "Zwischenbericht" in markdown and "## Leitziel" not in markdown and "ENTWURF" not in markdown
    assert "- Arbeitsstunden: 4" in markdown


def test_nav_leads_partners_to_the_draft_and_companies_to_the_published_plan(client, login, world, plan):
    login(world.company_a)
    page = client.get(f"/processes/{world.process.id}").get_data(as_text=True)
    assert f'href="/p/{world.process.id}/plan">Plan</a>' in page
    client.post("/logout")
    login(world.moderator_a)
    page = client.get(f"/processes/{world.process.id}").get_data(as_text=True)
    assert f'href="/processes/{world.process.id}/plan">Plan</a>' in page


def test_administrators_set_how_many_approvals_a_version_needs(client, login, world, plan):
    login(world.steering)  # the people four eyes binds do not loosen it
    assert client.post(f"/processes/{world.process.id}/approvals-needed", data={"approvals_needed": "1"}
                       ).status_code == 403
    assert "Freigaben je Fassung" not in client.get(f"/processes/{world.process.id}").get_data(as_text=True)
    login(world.admin)
    assert "Freigaben je Fassung" in client.get(f"/processes/{world.process.id}").get_data(as_text=True)
    assert client.post(f"/processes/{world.process.id}/approvals-needed", data={"approvals_needed": "9"}
                       ).status_code == 400
    assert client.post(f"/processes/{world.process.id}/approvals-needed", data={"approvals_needed": "1"}
                       ).status_code == 302
    db.session.expire_all()
    assert db.session.get(Process, world.process.id).approvals_needed == 1
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    versions.submit(version, by=world.steering)
    versions.approve(version, by=world.admin)
    assert version.status == PlanStatus.APPROVED


def test_a_process_created_through_the_api_says_how_many_approvals_it_needs(client, world, bearer):
    body = {"name": "Masterplan 2030", "city": "Oberhausen", "starts_on": "2030-01-01", "ends_on": "2030-12-31"}
    created = client.post("/api/v1/processes", json=body, headers=bearer(world.admin))
    assert created.status_code == 201 and created.json["approvals_needed"] == 2
    three = client.post("/api/v1/processes", json=body | {"approvals_needed": 3}, headers=bearer(world.admin))
    assert three.status_code == 201 and db.session.get(Process, three.json["id"]).approvals_needed == 3
    none = client.post("/api/v1/processes", json=body | {"approvals_needed": 0}, headers=bearer(world.admin))
    assert none.status_code == 400 and "approvals_needed" in none.json["error"]["fields"]
