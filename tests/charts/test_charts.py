"""Charts: the numbers behind them, pages without outside assets, images, and the fallback."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event

from tests import factories
from tracker.charts import aggregates, catalogue, export, theme
from tracker.extensions import db
from tracker.implementation.models import Light
from tracker.implementation.services import report_progress
from tracker.labels import label
from tracker.measures.models import Measure, MeasureStatus, MeasureTransition
from tracker.sessions.models import AttendanceStatus, SessionStatus


@pytest.fixture
def year(world):
    """Two more workshops in hub A (one in November), attendance, and a measure that went far."""
    nov = factories.session(world.process, world.hub_a, title="A2", starts_at=datetime(2018, 11, 7, 16, 30))
    factories.session(world.process, world.hub_a, title="A3 abgesagt", starts_at=datetime(2018, 11, 21, 16, 30),
                      status=SessionStatus.CANCELLED)
    people = [factories.person(world.org_a) for _ in range(3)]
    for person in people:
        factories.attendance(world.session_a, person)
    factories.attendance(nov, people[0])
    factories.attendance(nov, people[1], AttendanceStatus.EXCUSED)
    goal = factories.goal(world.process, number=1, title="Digital")
    adopted = factories.measure(world.process, world.hub_a, title="Glasfaser", status=MeasureStatus.ADOPTED,
                                primary_goal=goal)
    for source, to in ((None, MeasureStatus.IDEA), (MeasureStatus.IDEA, MeasureStatus.IN_REVIEW),
                       (MeasureStatus.IN_REVIEW, MeasureStatus.PROPOSAL),
                       (MeasureStatus.PROPOSAL, MeasureStatus.ADOPTED)):
        db.session.add(MeasureTransition(measure=adopted, from_status=source, to_status=to))
    factories.measure(world.process, world.hub_b, title="Verworfen", status=MeasureStatus.REJECTED)
    report_progress(adopted, on=date(2020, 1, 1), percent=40, light=Light.YELLOW, by=world.steering)
    db.session.commit()
    return goal


def chart(key, process, language="de", **arguments):
    return catalogue.chart(key, process, language, **arguments)


def trace_named(spec, name):
    return next(trace for trace in spec["figure"]["data"] if trace["name"] == name)


def test_participation_per_month_counts_attendances_of_sessions_not_cancelled(world, year):
    spec = chart("participation", world.process)
    hub_a = trace_named(spec, "A")
    assert dict(zip(hub_a["x"], hub_a["y"], strict=True)) == {"Okt. 2018": 3, "Nov. 2018": 1}  # months by name
    assert spec["figure"]["layout"]["xaxis"]["categoryarray"] == ["Okt. 2018", "Nov. 2018"]
    english = chart("participation", world.process, "en")
    assert english["figure"]["layout"]["xaxis"]["categoryarray"] == ["Oct 2018", "Nov 2018"]
    assert english["figure"]["layout"]["separators"] == ".," and spec["figure"]["layout"]["separators"] == ",."


def test_attendance_per_session_in_the_hubs_colour(world, year):
    spec = chart("attendance", world.process, hub_id=world.hub_a.id)
    (trace,) = spec["figure"]["data"]
    assert trace["x"] == [3, 1]
    assert trace["marker"]["color"] == catalogue.aggregates.hubs(world.process)[0]["colour"]


def test_working_hours_per_hub(world, year):
    spec = chart("working-hours", world.process)
    trace = spec["figure"]["data"][0]
    assert dict(zip(trace["y"], trace["x"], strict=True))["A"] == 8.0  # 4 attendees × 2 h


def test_funnel_counts_every_stage_reached_and_draws_a_stage_of_zero(world, year):
    spec = chart("funnel", world.process)
    trace = spec["figure"]["data"][0]
    assert trace["type"] == "bar" and trace["x"] == [4, 1, 0, 1]  # ideas, proposals, prioritised, adopted
    assert trace["y"] == ["Idee", "Vorschlag", "Priorisiert", "Beschlossen"]
    assert ["Abgelehnt", 1] in spec["rows"]


def test_progress_per_goal_in_goal_order_and_traffic_lights(world, year):
    factories.goal(world.process, number=2, title="Fachkräfte")
    assert chart("progress-per-goal", world.process)["rows"] == [["1. Digital", 40.0, 1]]
    lights = chart("traffic-lights", world.process)
    assert lights["figure"]["data"][0]["x"] == [0, 1, 0, 0]


def test_status_per_hub_stacks_statuses_in_workflow_order_each_in_its_own_colour(world, year):
    spec = chart("status-per-hub", world.process)
    names = [trace["name"] for trace in spec["figure"]["data"]]
    order = [label(s) for s in theme.WORKFLOW]
    assert names == sorted(names, key=order.index)
    colours = [trace["marker"]["color"] for trace in spec["figure"]["data"]]
    assert len(set(colours)) == len(colours)
    assert len(set(theme.STATUS_COLOURS.values())) == len(MeasureStatus)


def test_hubs_without_a_colour_of_their_own_get_distinct_ones(world, year):
    world.hub_a.colour = theme.HUB_DEFAULT
    world.hub_b.colour = theme.HUB_DEFAULT
    db.session.commit()
    colours = [hub["colour"] for hub in catalogue.aggregates.hubs(world.process)]
    assert len(set(colours)) == len(colours)
    world.hub_b.colour = "#123456"
    db.session.commit()
    assert catalogue.aggregates.hubs(world.process)[1]["colour"] == "#123456"  # a chosen colour is kept
    world.hub_a.colour = world.hub_b.colour = "#1f5f99"  # ... unless an earlier hub has it already
    db.session.commit()
    colours = [hub["colour"] for hub in catalogue.aggregates.hubs(world.process)]
    assert colours[0] == "#1f5f99" and colours[1] != "#1f5f99"


def test_organisations_are_broken_down_by_type(world, year):
    spec = chart("organisations", world.process)
    assert {row[1] for row in spec["rows"]} == {label(o.type) for o in (world.org_a, world.org_b)} or spec["rows"]
    assert spec["figure"]["layout"]["barmode"] == "stack"
    assert all(trace["orientation"] == "h" for trace in spec["figure"]["data"])


def test_count_axes_step_in_whole_numbers():
    for maximum, step in ((0, 1), (3, 1), (7, 2), (12, 5), (48, 10), (600, 200)):
        axis = theme.count_axis(maximum)
        assert axis["dtick"] == step and axis["tickformat"] == ",d"


def test_every_spec_is_plain_json_and_the_same_for_the_same_numbers(world, year):
    for key in catalogue.PROCESS_CHARTS:
        data = aggregates.PROCESS_AGGREGATES[key](world.process)
        first = catalogue.spec(key, json.loads(json.dumps(data)), "de")
        assert json.loads(json.dumps(first)) == first == catalogue.spec(key, data, "de")


def test_dashboard_loads_nothing_from_outside_and_keeps_a_strict_csp(client, world, year, login):
    login(world.steering)
    response = client.get(f"/processes/{world.process.id}/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "plotly-basic.min.js" in page and 'type="application/json"' in page
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert "<script>" not in page  # no inline script, only JSON blocks and files


def test_every_chart_has_its_data_as_a_table_and_csv(client, world, year, login):
    login(world.steering)
    page = client.get(f"/processes/{world.process.id}/dashboard").get_data(as_text=True)
    assert page.count('class="chart-data"') == len(catalogue.PROCESS_CHARTS)
    csv = client.get(f"/processes/{world.process.id}/charts/working-hours.csv").get_data(as_text=True)
    assert csv.lstrip("\ufeff").splitlines()[0] == "Hub;Arbeitsstunden"
    client.post("/logout")
    assert client.get(f"/processes/{world.process.id}/charts/working-hours.csv").status_code in (302, 401)
    assert client.get(f"/processes/{world.process.id}/charts/traffic-lights.csv").status_code == 200


def test_public_progress_page_needs_no_login_and_shows_nothing_personal(client, world, year):
    page = client.get(f"/p/{world.process.id}/progress").get_data(as_text=True)
    assert "Glasfaser" in page and "40\u00a0%" in page and "Braucht Aufmerksamkeit" in page
    assert "Carla" not in page and "Verworfen" not in page


def test_start_page_shows_my_hub_and_action_items(client, world, year, login):
    login(world.company_a)
    page = client.get("/start").get_data(as_text=True)
    assert "Hub A" in page and "Idee aus A" in page
    assert client.get("/").headers["Location"].endswith("/start")


def test_hub_dashboard_is_for_the_hubs_people(client, world, year, login):
    login(world.company_b)
    assert client.get(f"/hubs/{world.hub_a.id}/dashboard").status_code == 403
    client.post("/logout")
    login(world.company_a)
    assert client.get(f"/hubs/{world.hub_a.id}/dashboard").status_code == 200


def test_dashboard_queries_do_not_grow_with_the_data(app, client, world, year, login):
    login(world.steering)

    def count() -> int:
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/processes/{world.process.id}/dashboard").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    before = count()
    for i in range(8):
        session = factories.session(world.process, world.hub_b, title=f"B{i}",
                                    starts_at=datetime(2019, 1, 1, 16) + timedelta(days=30 * i))
        factories.attendance(session, world.company_b.person)
        factories.measure(world.process, world.hub_b, title=f"Mehr {i}", status=MeasureStatus.PROPOSAL)
    db.session.commit()
    assert count() == before


@pytest.mark.slow
def test_every_core_chart_renders_to_png_and_svg(world, year):
    if export.browser_path() is None:
        pytest.skip("no Chromium installed")
    charts = [chart(key, world.process) for key in catalogue.PROCESS_CHARTS]
    images = export.render_images([c["figure"] for c in charts], formats=("png", "svg"))
    for spec, image in zip(charts, images, strict=True):
        assert image["png"].startswith(b"\x89PNG\r\n\x1a\n") and len(image["png"]) > 5000, spec["key"]
        ET.fromstring(image["svg"])  # noqa: S314 - our own SVG; it must parse as XML


def test_without_a_browser_exports_fall_back(world, year, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    monkeypatch.setattr(export, "Path", lambda p: type("P", (), {"exists": lambda self: False})())
    images = export.render_images([chart("traffic-lights", world.process)["figure"]])
    assert images == [None]


def test_a_hostile_name_cannot_break_out_of_the_figure_json(client, world, year, login):
    world.hub_a.short_name = "</script><b>x</b>"
    db.session.commit()
    login(world.steering)
    page = client.get(f"/processes/{world.process.id}/dashboard").get_data(as_text=True)
    assert "</script><b>x</b>" not in page
    # plotly shows it as typed (entities, not markup), and tojson escapes & < > inside the JSON
    assert "\\u0026lt;b\\u0026gt;x\\u0026lt;/b\\u0026gt;" in page


def test_a_closed_rounds_page_draws_the_matrix_and_the_overview_the_indicator_series(client, world, year, login):
    from decimal import Decimal

    from tracker.implementation.models import Indicator, IndicatorValue
    from tracker.prioritisation.models import Method, PrioritisationRound, RoundResult, RoundStatus

    adopted = db.session.scalars(db.select(Measure).where(Measure.title == "Glasfaser")).one()
    round_ = PrioritisationRound(process_id=world.process.id, title="Runde", method=Method.SCORING,
                                 status=RoundStatus.CLOSED)
    db.session.add(round_)
    db.session.flush()
    db.session.add(RoundResult(round_id=round_.id, measure_id=adopted.id, rank=1, score=Decimal("4.2"),
                               importance=Decimal("4.5"), urgency=Decimal("2.5"), voters=3))
    indicator = Indicator(process_id=world.process.id, name="Arbeitsplätze", unit="Stellen", target=Decimal(50))
    db.session.add(indicator)
    db.session.flush()
    db.session.add(IndicatorValue(indicator_id=indicator.id, date=date(2020, 1, 1), value=Decimal("12.5")))
    db.session.commit()
    login(world.steering)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert f'id="figure-matrix-{round_.id}"' in page and "plotly-basic.min.js" in page
    overview = client.get(f"/processes/{world.process.id}/implementation").get_data(as_text=True)
    assert f'id="figure-indicator-{indicator.id}"' in overview and "Arbeitsplätze (Stellen)" in overview
    spec = catalogue.spec("matrix", catalogue.aggregates.prioritisation_matrix(round_), "de")
    assert spec["rows"] == [[1, "Glasfaser", 4.5, 2.5, 4.2]]
    assert spec["figure"]["layout"]["meta"]["shortLabels"] == ["1"]
