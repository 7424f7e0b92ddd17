"""Numbers in charts and pages the way each language writes them (issue 19, item 2)."""

from datetime import date, datetime

import pytest

from tests import factories
from tracker.charts import catalogue, theme
from tracker.extensions import db
from tracker.implementation.models import Light
from tracker.implementation.services import report_progress
from tracker.measures.models import MeasureStatus


@pytest.fixture
def half_done(world):
    """One adopted measure of guiding goal 1, reported 50 % done; seven workshops in hub A."""
    goal = factories.goal(world.process, number=1, title="Digital")
    measure = factories.measure(world.process, world.hub_a, title="Glasfaser", status=MeasureStatus.ADOPTED,
                                primary_goal=goal)
    report_progress(measure, on=date(2020, 1, 1), percent=50, light=Light.GREEN, by=world.steering)
    for day in range(1, 8):
        held = factories.session(world.process, world.hub_a, title=f"W{day}", starts_at=datetime(2019, 9, day, 16))
        factories.attendance(held, world.company_a.person)
    db.session.commit()
    return measure


def _specs(app, world, language: str) -> dict:
    """The figure specifications of the dashboard's charts in that language."""
    with app.test_request_context():
        return {key: catalogue.chart(key, world.process, language)["figure"] for key in catalogue.PROCESS_CHARTS}


def test_german_charts_have_german_separators_and_month_names(app, world, half_done):
    specs = _specs(app, world, "de")
    assert {spec["layout"]["separators"] for spec in specs.values()} == {",."}
    assert "Sept. 2019" in list(specs["participation"]["data"][0]["x"])
    assert list(specs["progress-per-goal"]["data"][0]["text"]) == ["50\u00a0%"]


def test_english_charts_have_english_separators_and_month_names(app, world, half_done):
    specs = _specs(app, world, "en")
    assert {spec["layout"]["separators"] for spec in specs.values()} == {".,"}
    assert "Sep 2019" in list(specs["participation"]["data"][0]["x"])
    assert list(specs["progress-per-goal"]["data"][0]["text"]) == ["50%"]


def test_count_axes_step_in_whole_numbers(app, world, half_done):
    specs = _specs(app, world, "de")
    count_axes = {"participation": "yaxis", "attendance": "xaxis", "status-per-hub": "xaxis",
                  "traffic-lights": "xaxis", "funnel": "xaxis", "organisations": "xaxis"}
    for key, axis in count_axes.items():
        layout = specs[key]["layout"][axis]
        assert layout["tickformat"] == ",d", key
        assert isinstance(layout["dtick"], int) and layout["dtick"] >= 1, key
        assert specs[key]["layout"]["meta"]["counts"] == [axis[0]], key
    # Seven attendances in one month: ticks 0, 2, 4, 6, 8 rather than eight labels or halves.
    assert specs["participation"]["layout"]["yaxis"]["dtick"] == 2


@pytest.mark.parametrize(("maximum", "step"), [(0, 1), (1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (26, 10),
                                               (51, 20), (101, 50), (5000, 1000)])
def test_count_axis_steps(maximum, step):
    axis = theme.count_axis(maximum)
    assert axis["dtick"] == step
    assert maximum / step <= 5


def test_percentages_on_pages_in_each_language(client, world, half_done, login):
    login(world.steering)
    overview = f"/processes/{world.process.id}/implementation"
    german = client.get(overview).get_data(as_text=True)
    assert "50,0\u00a0%" in german and "50.0 %" not in german
    client.post("/language", data={"locale": "en"})
    english = client.get(overview).get_data(as_text=True)
    assert "50.0%" in english and "50,0" not in english


def test_german_chart_pages_load_plotlys_german_locale(client, world, half_done, login):
    login(world.steering)
    dashboard = f"/processes/{world.process.id}/dashboard"
    german = client.get(dashboard).get_data(as_text=True)
    assert "vendor/plotly/plotly-locale-de.js?v=" in german
    locale = client.get("/static/vendor/plotly/plotly-locale-de.js")
    assert locale.status_code == 200 and b'decimal:","' in locale.get_data()
    locale.close()
    client.post("/language", data={"locale": "en"})
    assert "plotly-locale-de.js" not in client.get(dashboard).get_data(as_text=True)
