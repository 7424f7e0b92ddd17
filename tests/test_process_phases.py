"""A process has phases with dates (issue 17, item 1): edited on the set-up page and through the API by the same
service, checked (within the period, in order, not overlapping), audited, and shown on the process page, the
landing page and in the plan's "process" chapter."""

from datetime import date

import pytest
from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.plan import exports
from tracker.processes import services
from tracker.processes.models import Phase, Process, ProcessPhase

# The world's process runs from 1 Sep 2018 to 31 Dec 2019.
KICKOFF = (Phase.KICKOFF, date(2018, 9, 1), date(2018, 9, 30))
WORKSHOPS = (Phase.WORKSHOPS, date(2018, 10, 1), date(2019, 6, 30))


def _dates(process: Process) -> list[tuple]:
    return [(p.phase, p.starts_on, p.ends_on) for p in db.session.scalars(
        select(ProcessPhase).where(ProcessPhase.process_id == process.id).order_by(ProcessPhase.starts_on))]


def _form(process: Process, **phases) -> dict:
    data = {"name": process.name, "city": process.city, "starts_on": process.starts_on.isoformat(),
            "ends_on": process.ends_on.isoformat(), "plan_language": "de", "version": process.version}
    data.update(phases)
    return data


def test_phases_get_dates_and_the_audit_trail_keeps_before_and_after(world):
    services.update_process(world.process, by=world.steering, expected_version=world.process.version,
                            phases=[WORKSHOPS, KICKOFF])  # any order given; stored in the order of the phases
    db.session.commit()
    assert _dates(world.process) == [KICKOFF, WORKSHOPS]
    services.update_process(world.process, by=world.steering, expected_version=world.process.version,
                            phases=[KICKOFF])
    db.session.commit()
    assert _dates(world.process) == [KICKOFF]
    events = db.session.scalars(select(AuditEvent.changes).where(AuditEvent.object_type == "process",
                                                                 AuditEvent.action == "update")).all()
    assert events[1]["phases"] == [
        [["kickoff", "2018-09-01", "2018-09-30"], ["workshops", "2018-10-01", "2019-06-30"]],
        [["kickoff", "2018-09-01", "2018-09-30"]]]


@pytest.mark.parametrize("phases, field", [
    ([(Phase.KICKOFF, date(2018, 8, 1), date(2018, 9, 30))], "phase_kickoff"),  # before the process starts
    ([(Phase.ADOPTION, date(2019, 12, 1), date(2020, 1, 31))], "phase_adoption"),  # after it ends
    ([(Phase.KICKOFF, date(2018, 9, 30), date(2018, 9, 1))], "phase_kickoff"),  # ends before it starts
    ([KICKOFF, (Phase.WORKSHOPS, date(2018, 9, 30), date(2019, 6, 30))], "phase_workshops"),  # overlaps
    ([(Phase.KICKOFF, date(2019, 1, 1), date(2019, 1, 31)), WORKSHOPS], "phase_workshops"),  # out of order
    ([KICKOFF, KICKOFF], "phases"),
    ([(Phase.KICKOFF, date(2018, 9, 1), None)], "phase_kickoff"),
])
def test_phases_lie_within_the_period_in_order_without_overlapping(world, phases, field):
    with pytest.raises(Invalid) as refused:
        services.update_process(world.process, by=world.steering, expected_version=world.process.version,
                                phases=phases)
    assert refused.value.field == field
    db.session.rollback()
    assert _dates(world.process) == []


def test_a_shorter_period_must_still_hold_the_phases(world):
    services.update_process(world.process, by=world.steering, expected_version=world.process.version,
                            phases=[WORKSHOPS])
    db.session.commit()
    with pytest.raises(Invalid):
        services.update_process(world.process, by=world.steering, expected_version=world.process.version,
                                ends_on=date(2019, 3, 31))


def test_the_set_up_page_edits_the_phases_and_the_pages_show_them(client, login, world):
    login(world.steering)
    page = client.get(f"/processes/{world.process.id}/edit").get_data(as_text=True)
    assert 'name="phase_kickoff_starts_on"' in page
    refused = client.post(f"/processes/{world.process.id}/edit", data=_form(
        world.process, phase_kickoff_starts_on="2018-09-01", phase_kickoff_ends_on="2018-10-15",
        phase_workshops_starts_on="2018-10-01", phase_workshops_ends_on="2019-06-30"))
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert 'id="phase_workshops_starts_on-error"' in page and 'value="2018-10-15"' in page
    assert _dates(world.process) == []

    saved = client.post(f"/processes/{world.process.id}/edit", data=_form(
        world.process, phase_kickoff_starts_on="2018-09-01", phase_kickoff_ends_on="2018-09-30",
        phase_workshops_starts_on="2018-10-01", phase_workshops_ends_on="2019-06-30"))
    assert saved.status_code == 302
    assert _dates(world.process) == [KICKOFF, WORKSHOPS]
    assert 'value="2019-06-30"' in client.get(f"/processes/{world.process.id}/edit").get_data(as_text=True)
    for url in (f"/processes/{world.process.id}", f"/p/{world.process.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "01.10.18 – 30.06.19" in page, url


def test_the_api_sets_the_phases_with_the_same_rules(client, bearer, world):
    url = f"/api/v1/processes/{world.process.id}"
    headers = bearer(world.steering)
    version = world.process.version
    refused = client.patch(url, headers=headers, json={"version": version, "phases": [
        {"phase": "workshops", "starts_on": "2018-10-01", "ends_on": "2020-06-30"}]})
    assert refused.status_code == 400 and "phase_workshops" in refused.json["error"]["fields"]
    patched = client.patch(url, headers=headers, json={"version": version, "phases": [
        {"phase": "kickoff", "starts_on": "2018-09-01", "ends_on": "2018-09-30"},
        {"phase": "workshops", "starts_on": "2018-10-01", "ends_on": "2019-06-30"}]})
    assert patched.status_code == 200, patched.json
    assert patched.json["phases"] == [
        {"phase": "kickoff", "starts_on": "2018-09-01", "ends_on": "2018-09-30"},
        {"phase": "workshops", "starts_on": "2018-10-01", "ends_on": "2019-06-30"}]
    assert client.patch(url, headers=bearer(world.company_a), json={
        "version": patched.json["version"], "phases": []}).status_code == 403
    created = client.post("/api/v1/processes", headers=bearer(world.admin), json={
        "name": "Masterplan Bottrop", "city": "Bottrop", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
        "phases": [{"phase": "preparation", "starts_on": "2025-01-01", "ends_on": "2025-02-28"}]})
    assert created.status_code == 201 and created.json["phases"][0]["ends_on"] == "2025-02-28"


def test_the_plans_process_chapter_lists_the_phases_with_dates(world):
    services.update_process(world.process, by=world.steering, expected_version=world.process.version,
                            phases=[KICKOFF, WORKSHOPS])
    db.session.commit()
    text = exports.export_draft(world.process, "md").decode()
    assert "Auftakt: 01.09.2018 – 30.09.2018" in text
    assert "Workshops: 01.10.2018 – 30.06.2019" in text
