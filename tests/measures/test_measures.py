"""Proposing, editing, comments, supporters, merging with lineage, exports."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from tracker.errors import IllegalTransition
from tracker.extensions import db
from tracker.measures import queries, services
from tracker.measures.models import Measure, MeasureComment, MeasureStatus


def _proposal(**overrides):
    data = {"title": "Azubi-Speeddating", "description": "Betriebe treffen Schüler", "approach": "Jährlich",
            "expected_effect": "", "primary_goal_id": 0, "horizon": "short", "cost_estimate": "5.000 €"}
    data.update(overrides)
    return data


class TestProposing:
    def test_company_proposes_in_its_own_hub(self, client, world, login):
        login(world.company_a)
        response = client.post(f"/processes/{world.process.id}/measures/new", data=_proposal(hub_id=world.hub_a.id))
        assert response.status_code == 302
        measure = db.session.scalar(select(Measure).where(Measure.title == "Azubi-Speeddating"))
        assert (measure.status, measure.hub_id, measure.proposer_organization_id) == \
            (MeasureStatus.IDEA, world.hub_a.id, world.org_a.id)
        assert measure.transitions[0].to_status == MeasureStatus.IDEA

    def test_company_cannot_propose_in_another_hub(self, client, world, login):
        login(world.company_a)
        response = client.post(f"/processes/{world.process.id}/measures/new", data=_proposal(hub_id=world.hub_b.id))
        assert response.status_code == 400
        assert db.session.scalar(select(Measure).where(Measure.title == "Azubi-Speeddating")) is None

    def test_only_steering_sets_the_focus_flag(self, client, world, login):
        login(world.company_a)
        refused = client.post(f"/processes/{world.process.id}/measures/new",
                              data=_proposal(hub_id=world.hub_a.id, is_focus_project="y"))
        assert refused.status_code == 403  # the field is not on a company's form; sending it is refused
        assert db.session.scalar(select(Measure).where(Measure.title == "Azubi-Speeddating")) is None
        client.post(f"/processes/{world.process.id}/measures/new", data=_proposal(hub_id=world.hub_a.id))
        measure = db.session.scalar(select(Measure).where(Measure.title == "Azubi-Speeddating"))
        assert not measure.is_focus_project
        assert client.post(f"/measures/{measure.id}/focus", data={"flag": "1"}).status_code == 403
        client.post("/logout")
        login(world.steering)
        client.post(f"/measures/{measure.id}/focus", data={"flag": "1"})
        db.session.refresh(measure)
        assert measure.is_focus_project


class TestEditing:
    def test_other_company_cannot_edit(self, client, world, login):
        login(world.company_b)
        assert client.get(f"/measures/{world.measure_a.id}/edit").status_code == 403

    def test_moderator_of_another_hub_cannot_edit(self, client, world, login):
        login(world.moderator_b)
        response = client.post(f"/measures/{world.measure_a.id}/edit",
                               data=_proposal(title="Gekapert", version=world.measure_a.version))
        assert response.status_code == 403
        db.session.refresh(world.measure_a)
        assert world.measure_a.title == "Idee aus A"

    def test_proposer_edits_own_idea_until_it_is_reviewed(self, client, world, login):
        login(world.company_a)
        ok = client.post(f"/measures/{world.measure_a.id}/edit",
                         data=_proposal(title="Idee aus A, geschärft", hub_id=world.hub_a.id,
                                        version=world.measure_a.version))
        assert ok.status_code == 302
        world.measure_a.status = MeasureStatus.IN_REVIEW
        db.session.commit()
        assert client.get(f"/measures/{world.measure_a.id}/edit").status_code == 403

    def test_concurrent_edit_is_a_conflict_with_input_kept(self, client, world, login):
        login(world.moderator_a)
        version = world.measure_a.version
        first = client.post(f"/measures/{world.measure_a.id}/edit",
                            data=_proposal(title="Erste Fassung", hub_id=world.hub_a.id, version=version))
        assert first.status_code == 302
        second = client.post(f"/measures/{world.measure_a.id}/edit",
                             data=_proposal(title="Zweite Fassung", hub_id=world.hub_a.id, version=version))
        assert second.status_code == 409 and "Zweite Fassung" in second.get_data(as_text=True)
        db.session.refresh(world.measure_a)
        assert world.measure_a.title == "Erste Fassung"


class TestMerging:
    def test_merge_and_unmerge_keep_the_lineage(self, client, world, login):
        first = factories.measure(world.process, world.hub_a, title="WLAN Innenstadt", status=MeasureStatus.IN_REVIEW)
        second = factories.measure(world.process, world.hub_a, title="Freies WLAN")
        second.supporters = [world.org_b]
        db.session.add(MeasureComment(measure=second, text="Wichtig!", author_id=world.company_b.id))
        db.session.commit()
        login(world.moderator_a)
        response = client.post(f"/processes/{world.process.id}/measures/merge",
                               data={"source_ids": [first.id, second.id], "target_id": 0,
                                     "new_title": "WLAN für die Innenstadt"})
        assert response.status_code == 302
        target = db.session.scalar(select(Measure).where(Measure.title == "WLAN für die Innenstadt"))
        db.session.refresh(first)
        db.session.refresh(second)
        assert {first.merged_into_id, second.merged_into_id} == {target.id}
        assert (first.status, first.status_before_merge) == (MeasureStatus.MERGED, MeasureStatus.IN_REVIEW)
        assert world.org_b in target.supporters
        page = client.get(f"/measures/{target.id}").get_data(as_text=True)
        assert "Zusammengeführt aus" in page and "Freies WLAN" in page and "Wichtig!" in page
        assert set(queries.all_source_ids(target)) == {first.id, second.id}

        client.post(f"/measures/{first.id}/unmerge")
        db.session.refresh(first)
        assert (first.status, first.merged_into_id) == (MeasureStatus.IN_REVIEW, None)
        assert [t.to_status for t in first.transitions][-2:] == [MeasureStatus.MERGED, MeasureStatus.IN_REVIEW]
        assert db.session.get(Measure, second.id).merged_into_id == target.id  # the other source stays merged

    def test_lineage_goes_through_several_merges(self, world):
        a, b, c = (factories.measure(world.process, world.hub_a, title=t) for t in ("A", "B", "C"))
        services.merge(b, [a], by=world.steering)
        b.status = MeasureStatus.IDEA  # b is still open and can itself be merged
        services.merge(c, [b], by=world.steering)
        tree = queries.sources_tree(c)
        assert [n.measure.title for n in tree.sources] == ["B"]
        assert [n.measure.title for n in tree.sources[0].sources] == ["A"]
        assert [m.title for m in queries.destination_chain(a)] == ["B", "C"]

    def test_moderator_cannot_merge_across_hubs_but_steering_can(self, client, world, login):
        login(world.moderator_a)
        response = client.post(f"/processes/{world.process.id}/measures/merge",
                               data={"source_ids": [world.measure_b.id], "target_id": world.measure_a.id})
        assert response.status_code == 403
        db.session.refresh(world.measure_b)
        assert world.measure_b.status == MeasureStatus.IDEA
        client.post("/logout")
        login(world.steering)
        client.post(f"/processes/{world.process.id}/measures/merge",
                    data={"source_ids": [world.measure_b.id], "target_id": world.measure_a.id})
        db.session.refresh(world.measure_b)
        assert world.measure_b.merged_into_id == world.measure_a.id

    def test_adopted_measures_cannot_be_merged(self, world):
        world.measure_b.status = MeasureStatus.ADOPTED
        with pytest.raises(IllegalTransition):
            services.merge(world.measure_a, [world.measure_b], by=world.steering)


class TestCommentsAndSupport:
    def test_comment_is_sanitised_markdown(self, client, world, login):
        login(world.company_b)
        client.post(f"/measures/{world.measure_a.id}/comments", data={"text": "**gut** <script>x()</script>"})
        page = client.get(f"/measures/{world.measure_a.id}").get_data(as_text=True)
        assert "<strong>gut</strong>" in page and "<script>x()" not in page

    def test_support_toggles_for_the_users_organisation(self, client, world, login):
        login(world.company_b)
        client.post(f"/measures/{world.measure_a.id}/support")
        db.session.refresh(world.measure_a)
        assert world.measure_a.supporters == [world.org_b]
        client.post(f"/measures/{world.measure_a.id}/support")
        db.session.refresh(world.measure_a)
        assert world.measure_a.supporters == []


class TestListAndExport:
    def test_filters_search_and_sort(self, client, world, login):
        factories.measure(world.process, world.hub_a, title="Zebra-Streifen", approach="mit Ampel")
        db.session.commit()
        login(world.company_a)
        page = client.get(f"/processes/{world.process.id}/measures?q=ampel").get_data(as_text=True)
        assert "Zebra-Streifen" in page and "Idee aus A" not in page
        page = client.get(f"/processes/{world.process.id}/measures?hub={world.hub_b.id}").get_data(as_text=True)
        assert "Idee aus B" in page and "Idee aus A" not in page
        page = client.get(f"/processes/{world.process.id}/measures?sort=title").get_data(as_text=True)
        assert page.index("Idee aus A") < page.index("Zebra-Streifen")

    def test_exports_parse_back_and_are_formula_safe(self, client, world, login):
        factories.measure(world.process, world.hub_a, title="=HYPERLINK(\"x\")")
        db.session.commit()
        login(world.steering)
        raw = client.get(f"/processes/{world.process.id}/measures.csv").get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
        assert rows[0][1] == "Titel" and len(rows) == 4
        assert any(r[1].startswith("'=HYPERLINK") for r in rows[1:])
        data = client.get(f"/processes/{world.process.id}/measures.xlsx?hub={world.hub_a.id}").data
        sheet = load_workbook(io.BytesIO(data)).active
        assert [c.value for c in sheet[1]][:3] == ["Nr.", "Titel", "Status"]
        assert sheet.max_row == 3


def test_a_step_the_measure_cannot_take_yet_is_shown_disabled_with_what_it_lacks(client, world, login):
    """Issue 18: "→ adopted" was offered and then failed for want of a primary guiding goal."""
    proposal = factories.measure(world.process, world.hub_a, title="Ohne Leitziel", status=MeasureStatus.PROPOSAL)
    db.session.commit()
    login(world.steering)
    page = client.get(f"/measures/{proposal.id}").get_data(as_text=True)
    adopt = re.search(r'<button[^>]*>→ Beschlossen</button>', page)
    assert adopt and "disabled" in adopt.group(0)
    assert "Eine beschlossene Maßnahme braucht ein Hauptleitziel." in page
    reject = re.search(r'<button[^>]*>→ Abgelehnt</button>', page)
    assert reject and "disabled" not in reject.group(0)  # a reason is typed with the step itself
