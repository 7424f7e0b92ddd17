"""Progress of plan measures: who reports, and the roll-ups per guiding goal, hub and process."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.implementation import services
from tracker.implementation.models import Light, ProgressUpdate


def test_rollup_averages_the_latest_report_per_measure(world, plan):
    goal, (m0, m1, _m2), _rep = plan
    by = world.steering
    services.report_progress(m0, on=date(2020, 1, 1), percent=90, light=Light.GREEN, by=by)  # older, ignored
    services.report_progress(m0, on=date(2020, 6, 1), percent=20, light=Light.RED, by=by)
    services.report_progress(m1, on=date(2020, 6, 1), percent=60, light=Light.GREEN, by=by)
    db.session.commit()  # m2 has no report: it counts as 0 %
    rollup = services.progress_by_goal(world.process)[goal.id]
    assert (rollup.measures, rollup.percent, rollup.green, rollup.red, rollup.unreported) == (3, 26.7, 1, 1, 1)
    assert services.progress_by_hub(world.process)[world.hub_a.id].percent == 26.7
    assert services.process_progress(world.process).measures == 3
    assert {m.title: u.percent for m, u in ((db.session.get(type(m0), k), v) for k, v in
                                            services.latest_progress([m0.id, m1.id]).items())} == {"M0": 20, "M1": 60}


def test_stale_measures_and_overdue_milestones(world, plan):
    _goal, (m0, m1, _m2), _rep = plan
    today = date(2021, 1, 1)
    services.report_progress(m0, on=today - timedelta(days=10), percent=10, light=Light.GREEN, by=world.steering)
    services.report_progress(m1, on=today - timedelta(days=91), percent=10, light=Light.GREEN, by=world.steering)
    services.add_milestone(m0, title="Ausschreibung", due_on=today - timedelta(days=1), by=world.steering)
    services.add_milestone(m1, title="Später", due_on=today + timedelta(days=1), by=world.steering)
    db.session.commit()
    stale = [m.title for m, _last in services.stale_measures(world.process, days=90, today=today)]
    assert stale == ["M2", "M1"]  # never reported first, then the oldest report
    assert [ms.title for ms in services.overdue_milestones(world.process, today=today)] == ["Ausschreibung"]


@pytest.mark.parametrize("who,allowed", [("steering", True), ("rep", True), ("moderator_a", False),
                                         ("company_a", False)])
def test_who_reports_progress(client, world, plan, login, who, allowed):
    _goal, (m0, _m1, _m2), rep = plan
    login(rep if who == "rep" else getattr(world, who))
    response = client.post(f"/measures/{m0.id}/progress", data={"progress-on": "2020-06-01",
                                                                "progress-percent": 40, "progress-light": "yellow"})
    assert response.status_code == (302 if allowed else 403)
    assert (db.session.scalar(select(ProgressUpdate)) is not None) is allowed


def test_bad_percentage_is_refused_and_nothing_saved(client, world, plan, login):
    _goal, (m0, _m1, _m2), _rep = plan
    login(world.steering)
    client.post(f"/measures/{m0.id}/progress", data={"progress-on": "2020-06-01", "progress-percent": 140,
                                                     "progress-light": "green"})
    assert db.session.scalar(select(ProgressUpdate)) is None


def test_indicator_target_against_actual(client, world, plan, login):
    login(world.steering)
    client.post(f"/processes/{world.process.id}/indicators", data={"indicator-name": "Arbeitsplätze",
                                                                   "indicator-unit": "Stellen",
                                                                   "indicator-baseline": "0",
                                                                   "indicator-target": "250"})
    from tracker.implementation.models import Indicator
    indicator = db.session.scalar(select(Indicator))
    client.post(f"/indicators/{indicator.id}/values", data={"value-on": "2020-12-31", "value-value": "120"})
    db.session.refresh(indicator)
    assert (indicator.target, [v.value for v in indicator.values]) == (Decimal("250.00"), [Decimal("120.00")])
    page = client.get(f"/processes/{world.process.id}/implementation").get_data(as_text=True)
    assert "Arbeitsplätze" in page and "120" in page


def test_progress_through_the_api(client, world, plan, bearer):
    _goal, (m0, _m1, _m2), rep = plan
    response = client.post(f"/api/v1/measures/{m0.id}/progress",
                           json={"date": "2020-06-01", "percent": 35, "light": "green", "note": "Start"},
                           headers=bearer(rep))
    assert response.status_code == 201 and response.json["percent"] == 35
    refused = client.post(f"/api/v1/measures/{world.measure_a.id}/progress",
                          json={"date": "2020-06-01", "percent": 35, "light": "green"}, headers=bearer(world.steering))
    assert refused.status_code == 409
