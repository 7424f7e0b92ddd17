"""Charts: the numbers behind them, pages without outside assets, images, and the fallback."""

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event

from tests import factories
from tracker.charts import export, figures
from tracker.extensions import db
from tracker.implementation.models import Light
from tracker.implementation.services import report_progress
from tracker.measures.models import MeasureStatus, MeasureTransition
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


def test_sessions_per_month_count_held_and_planned_not_cancelled(world, year):
    chart = figures.sessions_per_hub_per_month(world.process)
    hub_a = next(trace for trace in chart.figure.data if trace.name == "A")
    assert dict(zip(hub_a.x, hub_a.y, strict=True)) == {"Okt. 2018": 1, "Nov. 2018": 1}  # months by name, in order
    assert list(hub_a.x) == ["Okt. 2018", "Nov. 2018"]


def test_attendance_per_session_and_the_hub_average(world, year):
    chart = figures.attendance_per_session(world.process, world.hub_a)
    assert list(chart.figure.data[0].y) == [3, 1]
    assert list(chart.figure.data[1].y) == [2.0, 2.0]


def test_working_hours_per_hub(world, year):
    chart = figures.working_hours_per_hub(world.process)
    assert dict(zip(chart.figure.data[0].x, chart.figure.data[0].y, strict=True))["A"] == 8.0  # 4 attendees × 2 h


def test_funnel_counts_every_stage_reached(world, year):
    chart = figures.idea_funnel(world.process)
    assert list(chart.figure.data[0].x) == [4, 1, 0, 1]  # ideas, proposals, prioritised, adopted
    assert ["Abgelehnt", 1] in chart.rows


def test_progress_per_goal_and_traffic_lights(world, year):
    assert figures.progress_per_goal(world.process).rows == [["1. Digital", 40.0, 1]]
    lights = figures.traffic_lights(world.process)
    assert list(lights.figure.data[0].y) == [0, 1, 0, 0]


def test_dashboard_loads_nothing_from_outside_and_keeps_a_strict_csp(client, world, year, login):
    login(world.steering)
    response = client.get(f"/processes/{world.process.id}/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "plotly-strict.min.js" in page and 'type="application/json"' in page
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert "<script>" not in page  # no inline script, only JSON blocks and files


def test_every_chart_has_its_data_as_a_table_and_csv(client, world, year, login):
    login(world.steering)
    page = client.get(f"/processes/{world.process.id}/dashboard").get_data(as_text=True)
    assert page.count('class="chart-data"') == len(figures.process_charts(world.process))
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
    charts = figures.process_charts(world.process)
    images = export.render_images([c.figure for c in charts], formats=("png", "svg"))
    for chart, image in zip(charts, images, strict=True):
        assert image["png"].startswith(b"\x89PNG\r\n\x1a\n") and len(image["png"]) > 5000, chart.key
        ET.fromstring(image["svg"])  # noqa: S314 - our own SVG; it must parse as XML


def test_without_a_browser_exports_fall_back(world, year, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    monkeypatch.setattr(export, "Path", lambda p: type("P", (), {"exists": lambda self: False})())
    images = export.render_images([figures.traffic_lights(world.process).figure])
    assert images == [None]


def test_a_hostile_name_cannot_break_out_of_the_figure_json(client, world, year, login):
    world.hub_a.short_name = "</script><b>x</b>"
    db.session.commit()
    login(world.steering)
    page = client.get(f"/processes/{world.process.id}/dashboard").get_data(as_text=True)
    assert "</script><b>x</b>" not in page
    assert "\\u003cb\\u003ex\\u003c" in page  # plotly escapes <, > and / inside the JSON
