"""The rules of proposing, editing, merging, the focus flag, comments and support, asked of the
services themselves (as the CLI, an importer or the session room reaches them) and through the pages."""

import re
from contextlib import contextmanager

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from tests import factories
from tracker.accounts.models import Role
from tracker.errors import IllegalTransition, Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.measures import services, workflow
from tracker.measures.models import Measure, MeasureStatus
from tracker.measures.signals import measure_changed, measure_created, measure_unmerged, measures_merged
from tracker.permissions import SYSTEM
from tracker.sessions.models import SessionKind


@contextmanager
def caught(signal):
    """What the signal carried while the block ran: [(sender, keyword arguments), ...]."""
    seen = []

    def receiver(sender, **kwargs):
        seen.append((sender, kwargs))

    with signal.connected_to(receiver):
        yield seen


def _count(title: str) -> int:
    return len(db.session.scalars(select(Measure).where(Measure.title == title)).all())


# Proposing ---------------------------------------------------------------------------------------------

class TestProposeRefuses:
    def test_a_hub_of_another_process(self, world):
        other_hub = factories.hub(factories.process(name="Anderer Prozess"))
        with pytest.raises(Invalid) as refused:
            services.propose(world.process, by=world.steering, title="Fremd", hub=other_hub)
        assert refused.value.field == "hub_id"

    @pytest.mark.parametrize("role", ["company_a", "moderator_a"])
    def test_an_idea_without_hub_unless_steering(self, world, role):
        with pytest.raises(NotAllowed):
            services.propose(world.process, by=getattr(world, role), title="Für alle")
        assert services.propose(world.process, by=world.steering, title="Für alle").hub is None

    @pytest.mark.parametrize("role", ["company_a", "moderator_a"])
    def test_a_hub_the_user_does_not_work_in(self, world, role):
        with pytest.raises(NotAllowed):
            services.propose(world.process, by=getattr(world, role), title="Fremd", hub=world.hub_b)
        assert _count("Fremd") == 0

    def test_anyone_without_a_hub_in_the_process(self, world):
        outsider = factories.user(Role.COMPANY, organization=factories.organization(name="Gamma GmbH"))
        assert not services.propose.allowed(outsider, world.process)
        with pytest.raises(NotAllowed):
            services.propose(world.process, by=outsider, title="Von außen", hub=world.hub_a)

    def test_company_cannot_propose_in_another_companys_name(self, world):
        """Issue 16, finding 6: the proposer of a company's idea is always its own organisation."""
        with pytest.raises(NotAllowed):
            services.propose(world.process, by=world.company_a, title="Im fremden Namen", hub=world.hub_a,
                             proposer_organization=world.org_b)
        assert _count("Im fremden Namen") == 0
        own = services.propose(world.process, by=world.company_a, title="Eigene Idee", hub=world.hub_a)
        assert (own.proposer_organization, own.proposer_person) == (world.org_a, world.company_a.person)

    def test_moderators_name_member_organisations_of_their_hub_or_none(self, world):
        named = services.propose(world.process, by=world.moderator_a, title="Aus dem Raum", hub=world.hub_a,
                                 proposer_organization=world.org_a)
        whole = services.propose(world.process, by=world.moderator_a, title="Vom Hub", hub=world.hub_a)
        assert (named.proposer_organization, whole.proposer_organization) == (world.org_a, None)
        with pytest.raises(NotAllowed):  # org B works in hub B
            services.propose(world.process, by=world.moderator_a, title="Fremd", hub=world.hub_a,
                             proposer_organization=world.org_b)

    def test_steering_names_any_organisation(self, world):
        measure = services.propose(world.process, by=world.steering, title="Für B", hub=world.hub_a,
                                   proposer_organization=world.org_b)
        assert measure.proposer_organization == world.org_b

    def test_idea_cannot_be_linked_to_a_session_of_another_hub(self, world):
        """Issue 15: a new idea's session is one of its own hub or a session of the whole process."""
        with pytest.raises(NotAllowed):  # company A does not even see hub B's workshop
            services.propose(world.process, by=world.company_a, title="Fremde Sitzung", hub=world.hub_a,
                             session=world.session_b)
        for user in (world.moderator_a, world.steering):
            with pytest.raises(Invalid) as refused:
                services.propose(world.process, by=user, title="Fremde Sitzung", hub=world.hub_a,
                                 session=world.session_b)
            assert refused.value.field == "session_id"
        assert _count("Fremde Sitzung") == 0

    def test_hub_less_sessions_fit_every_hub_but_steering_meetings_only_steering(self, world):
        plenary = factories.session(world.process, None, title="Plenum")
        meeting = factories.session(world.process, None, kind=SessionKind.STEERING, title="Lenkungskreis")
        other = factories.session(factories.process(name="Anderer"), None, title="Anderes Plenum")
        from_plenary = services.propose(world.process, by=world.company_a, title="Aus dem Plenum", hub=world.hub_a,
                                        session=plenary)
        own = services.propose(world.process, by=world.company_a, title="Aus dem Workshop", hub=world.hub_a,
                               session=world.session_a)
        assert (from_plenary.session, own.session) == (plenary, world.session_a)
        with pytest.raises(NotAllowed):  # steering meetings are hidden from everyone but the steering group
            services.propose(world.process, by=world.moderator_a, title="Geheim", hub=world.hub_a, session=meeting)
        assert services.propose(world.process, by=world.steering, title="Beschluss", hub=world.hub_a,
                                session=meeting).session == meeting
        with pytest.raises(Invalid) as refused:
            services.propose(world.process, by=world.steering, title="Anderswo", hub=world.hub_a, session=other)
        assert refused.value.field == "session_id"

    def test_company_cannot_name_responsible_or_partner_organisations(self, world):
        for kind in ("responsible", "partners"):
            with pytest.raises(NotAllowed):
                services.propose(world.process, by=world.company_a, title="Mit Partnern", hub=world.hub_a,
                                 **{kind: [world.org_a]})
        measure = services.propose(world.process, by=world.moderator_a, title="Mit Partnern", hub=world.hub_a,
                                   responsible=[world.org_a], partners=[world.partner])
        assert (measure.responsible_organizations, measure.partner_organizations) == ([world.org_a], [world.partner])

    @pytest.mark.parametrize("role", ["company_a", "moderator_a"])
    def test_only_steering_marks_a_focus_project(self, world, role):
        with pytest.raises(NotAllowed):
            services.propose(world.process, by=getattr(world, role), title="Fokus", hub=world.hub_a,
                             is_focus_project=True)
        assert services.propose(world.process, by=world.steering, title="Fokus", hub=world.hub_a,
                                is_focus_project=True).is_focus_project

    def test_guiding_goals_of_another_process(self, world):
        foreign = factories.goal(factories.process(name="Anderer"), title="Fremdes Ziel")
        with pytest.raises(Invalid) as primary:
            services.propose(world.process, by=world.company_a, title="Ziel", hub=world.hub_a, primary_goal=foreign)
        with pytest.raises(Invalid) as further:
            services.propose(world.process, by=world.company_a, title="Ziel", hub=world.hub_a, goals=[foreign])
        assert (primary.value.field, further.value.field) == ("primary_goal_id", "goal_ids")

    def test_an_empty_title(self, world):
        with pytest.raises(Invalid) as refused:
            services.propose(world.process, by=world.company_a, title=" \n ", hub=world.hub_a)
        assert refused.value.field == "title"


def test_proposing_writes_history_and_announces_it(world):
    with caught(measure_created) as seen:
        measure = services.propose(world.process, by=world.company_a, title="Azubi-Tag\nim Rathaus", hub=world.hub_a)
    assert measure.title == "Azubi-Tag im Rathaus"  # one line: titles go into mail subjects
    assert [(t.from_status, t.to_status, t.by_id) for t in measure.transitions] == \
        [(None, MeasureStatus.IDEA, world.company_a.id)]
    assert seen == [(measure, {"by": world.company_a})]


def test_the_system_proposes_without_a_person(world):
    measure = services.propose(world.process, by=SYSTEM, title="Importiert", hub=world.hub_a,
                               proposer_organization=world.org_a)
    assert (measure.proposer_organization, measure.proposer_person, measure.created_by_id) == (world.org_a, None, None)


# Editing -----------------------------------------------------------------------------------------------

class TestUpdateRefuses:
    def test_company_cannot_set_responsible_organizations_of_its_idea(self, world):
        """Issue 16, finding 5: after adoption those organisations would gain workflow rights."""
        for kind in ("responsible", "partners"):
            with pytest.raises(NotAllowed):
                services.update(world.measure_a, by=world.company_a, expected_version=world.measure_a.version,
                                title="Geändert", **{kind: [world.org_a]})
        db.session.rollback()
        assert (world.measure_a.title, world.measure_a.responsible_organizations) == ("Idee aus A", [])

    def test_the_hubs_moderator_sets_them(self, world):
        with caught(measure_changed) as seen:
            services.update(world.measure_a, by=world.moderator_a, expected_version=world.measure_a.version,
                            responsible=[world.org_a], partners=[world.partner])
        assert world.measure_a.responsible_organizations == [world.org_a]
        assert seen[0][1]["changes"]["responsible_organization_ids"] == [[], [world.org_a.id]]

    def test_a_company_resending_the_same_organisations_changes_nothing_and_is_fine(self, world):
        services.update(world.measure_a, by=world.company_a, expected_version=world.measure_a.version,
                        title="Geschärft", responsible=[])
        assert world.measure_a.title == "Geschärft"

    @pytest.mark.parametrize("role", ["company_b", "moderator_b"])
    def test_who_may_not_edit(self, world, role):
        with pytest.raises(NotAllowed):
            services.update(world.measure_a, by=getattr(world, role), expected_version=world.measure_a.version,
                            title="Gekapert")

    def test_the_focus_flag_by_anyone_but_steering(self, world):
        with pytest.raises(NotAllowed):
            services.update(world.measure_a, by=world.moderator_a, expected_version=world.measure_a.version,
                            is_focus_project=True)
        with pytest.raises(NotAllowed):
            services.set_focus(world.measure_a, True, by=world.moderator_a)
        services.set_focus(world.measure_a, True, by=world.steering)
        assert world.measure_a.is_focus_project

    def test_a_stale_version_names_the_current_one(self, world):
        version = world.measure_a.version
        services.update(world.measure_a, by=world.moderator_a, expected_version=version, title="Eins")
        db.session.commit()
        with pytest.raises(StaleVersion) as stale:
            services.update(world.measure_a, by=world.moderator_a, expected_version=version, title="Zwei")
        assert stale.value.version == world.measure_a.version == version + 1

    def test_guiding_goals_of_another_process(self, world):
        foreign = factories.goal(factories.process(name="Anderer"), title="Fremdes Ziel")
        with pytest.raises(Invalid):
            services.update(world.measure_a, by=world.steering, expected_version=world.measure_a.version,
                            primary_goal=foreign)


def test_changing_only_the_organisations_makes_a_new_version(world):
    version = world.measure_a.version
    services.update(world.measure_a, by=world.steering, expected_version=version, responsible=[world.org_a])
    db.session.commit()
    assert world.measure_a.version == version + 1


# Merging, comments, support, transitions ------------------------------------------------------------------

class TestMergeRefuses:
    def test_moderator_merging_another_hubs_idea(self, world):
        with pytest.raises(NotAllowed):
            services.merge(world.measure_a, [world.measure_b], by=world.moderator_a)
        with pytest.raises(NotAllowed):
            services.merge_into_new(world.process, [world.measure_a, world.measure_b], by=world.moderator_a,
                                    title="Zusammen")
        assert world.measure_b.status == MeasureStatus.IDEA
        assert _count("Zusammen") == 0  # refused before the new measure is written

    def test_companies(self, world):
        with pytest.raises(NotAllowed):
            services.merge(world.measure_a, [world.measure_b], by=world.company_a)
        with pytest.raises(NotAllowed):
            services.merge_into_new(world.process, [world.measure_a], by=world.company_a, title="Zusammen")

    def test_into_itself_and_nothing(self, world):
        with pytest.raises(Invalid):
            services.merge(world.measure_a, [world.measure_a], by=world.steering)
        with pytest.raises(Invalid):
            services.merge_into_new(world.process, [], by=world.steering, title="Leer")

    def test_unmerge_of_a_measure_not_merged_and_by_companies(self, world):
        with pytest.raises(IllegalTransition):
            services.unmerge(world.measure_a, by=world.moderator_a)
        services.merge(world.measure_a, [world.measure_b], by=world.steering)
        with pytest.raises(NotAllowed):
            services.unmerge(world.measure_b, by=world.company_b)
        with pytest.raises(NotAllowed):  # the merge went across hubs: only steering undoes it
            services.unmerge(world.measure_b, by=world.moderator_b)


def test_merge_and_unmerge_are_announced(world):
    with caught(measures_merged) as merged:
        target = services.merge_into_new(world.process, [world.measure_a, world.measure_b], by=world.steering,
                                         title="Zusammen")
    assert target.hub is None  # from two hubs: for the whole process
    assert merged == [(target, {"sources": [world.measure_a, world.measure_b], "by": world.steering})]
    with caught(measure_unmerged) as unmerged:
        services.unmerge(world.measure_b, by=world.steering)
    assert unmerged == [(world.measure_b, {"target": target, "by": world.steering})]
    assert world.measure_b.status == MeasureStatus.IDEA


def test_an_empty_comment_is_refused(world):
    with pytest.raises(Invalid) as refused:
        services.add_comment(world.measure_a, "  ", by=world.company_b)
    assert refused.value.field == "text"


def test_support_needs_an_organisation(world):
    loner = factories.user(Role.STEERING, organization=None)
    with pytest.raises(NotAllowed):
        services.toggle_support(world.measure_a, by=loner)
    assert services.toggle_support(world.measure_a, by=world.company_b) is True


def test_anonymous_visitors_move_nothing(world):
    with pytest.raises(NotAllowed):
        workflow.transition(world.measure_a, MeasureStatus.IN_REVIEW, by=AnonymousUserMixin())
    with pytest.raises(NotAllowed):  # a step of the table, but not the company's
        workflow.transition(world.measure_a, MeasureStatus.IN_REVIEW, by=world.company_a)
    assert world.measure_a.status == MeasureStatus.IDEA


# Pages -----------------------------------------------------------------------------------------------

def _form(**overrides):
    data = {"title": "Azubi-Speeddating", "description": "", "approach": "", "expected_effect": "",
            "primary_goal_id": 0, "horizon": "", "cost_estimate": ""}
    data.update(overrides)
    return data


def test_the_form_shows_organisations_and_focus_only_to_who_may_set_them(client, world, login):
    url = f"/processes/{world.process.id}/measures/new"
    login(world.company_a)
    page = client.get(url).get_data(as_text=True)
    assert 'name="title"' in page
    for name in ("responsible_organization_ids", "partner_organization_ids", "is_focus_project",
                 "proposer_organization_id"):
        assert f'name="{name}"' not in page
    edit = client.get(f"/measures/{world.measure_a.id}/edit").get_data(as_text=True)
    assert 'name="responsible_organization_ids"' not in edit and 'name="is_focus_project"' not in edit
    client.post("/logout")
    login(world.moderator_a)
    page = client.get(url).get_data(as_text=True)
    assert 'name="responsible_organization_ids"' in page and 'name="proposer_organization_id"' in page
    assert 'name="is_focus_project"' not in page
    proposers = re.search(r'<select[^>]*name="proposer_organization_id".*?</select>', page, re.S).group(0)
    assert "Alpha GmbH" in proposers and "Beta GmbH" not in proposers  # the members of hub A
    client.post("/logout")
    login(world.steering)
    assert 'name="is_focus_project"' in client.get(url).get_data(as_text=True)


def test_company_saving_its_idea_keeps_the_organisations_the_moderator_named(client, world, login):
    """The company's form has no organisation or focus fields; a request that sends them anyway is refused
    (not silently ignored), and saving the form as it is keeps what the moderator named."""
    world.measure_a.responsible_organizations = [world.partner]
    db.session.commit()
    login(world.company_a)
    for sneaked in ({"responsible_organization_ids": [world.org_a.id]}, {"partner_organization_ids": [world.org_b.id]},
                    {"is_focus_project": "y"}, {"proposer_organization_id": world.org_b.id}):
        response = client.post(f"/measures/{world.measure_a.id}/edit",
                               data=_form(title="Gekapert", hub_id=world.hub_a.id, version=world.measure_a.version,
                                          **sneaked))
        assert response.status_code == 403, sneaked
    response = client.post(f"/measures/{world.measure_a.id}/edit",
                           data=_form(title="Geschärft", hub_id=world.hub_a.id, version=world.measure_a.version))
    assert response.status_code == 302
    db.session.refresh(world.measure_a)
    assert (world.measure_a.title, world.measure_a.responsible_organizations, world.measure_a.is_focus_project) == \
        ("Geschärft", [world.partner], False)


def test_moderator_records_an_idea_for_a_member_organisation(client, world, login):
    login(world.moderator_a)
    response = client.post(f"/processes/{world.process.id}/measures/new",
                           data=_form(hub_id=world.hub_a.id, proposer_organization_id=world.org_a.id,
                                      responsible_organization_ids=[world.org_a.id]))
    assert response.status_code == 302
    measure = db.session.scalar(select(Measure).where(Measure.title == "Azubi-Speeddating"))
    assert (measure.proposer_organization, measure.responsible_organizations) == (world.org_a, [world.org_a])
    refused = client.post(f"/processes/{world.process.id}/measures/new",
                          data=_form(title="Fremd", hub_id=world.hub_a.id, proposer_organization_id=world.org_b.id))
    assert refused.status_code == 400 and _count("Fremd") == 0  # not a choice of the form


def test_steering_proposes_for_the_whole_process_on_the_page(client, world, login):
    login(world.steering)
    response = client.post(f"/processes/{world.process.id}/measures/new",
                           data=_form(hub_id=0, is_focus_project="y"))
    assert response.status_code == 302
    measure = db.session.scalar(select(Measure).where(Measure.title == "Azubi-Speeddating"))
    assert (measure.hub, measure.proposer_organization, measure.is_focus_project) == (None, world.partner, True)


def test_company_merge_and_unmerge_pages_are_refused(client, world, login):
    login(world.company_a)
    response = client.post(f"/processes/{world.process.id}/measures/merge",
                           data={"source_ids": [world.measure_a.id], "new_title": "Zusammen"})
    assert response.status_code == 403 and _count("Zusammen") == 0
    assert client.post(f"/processes/{world.process.id}/measures/merge", data={}).status_code == 403  # before the form
    assert client.post(f"/measures/{world.measure_a.id}/unmerge").status_code == 403


def test_merge_refusal_is_shown_on_the_list(client, world, login):
    world.measure_b.status = MeasureStatus.ADOPTED
    db.session.commit()
    login(world.steering)
    response = client.post(f"/processes/{world.process.id}/measures/merge",
                           data={"source_ids": [world.measure_b.id], "target_id": world.measure_a.id},
                           follow_redirects=True)
    assert "nicht mehr zusammengeführt" in response.get_data(as_text=True)
    db.session.refresh(world.measure_b)
    assert world.measure_b.status == MeasureStatus.ADOPTED


def test_a_plan_measure_page_shows_its_implementation(client, world, login):
    world.measure_a.status = MeasureStatus.ADOPTED
    world.measure_a.responsible_organizations = [world.org_a]
    db.session.commit()
    login(world.company_a)
    page = client.get(f"/measures/{world.measure_a.id}").get_data(as_text=True)
    assert 'id="implementation"' in page and f"/measures/{world.measure_a.id}/progress" in page
    idea = client.get(f"/measures/{world.measure_b.id}").get_data(as_text=True)
    assert 'id="implementation"' not in idea
