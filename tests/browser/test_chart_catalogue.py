"""Every chart kind of the catalogue, drawn by the real browser at desktop, tablet and phone width.

Screenshots of each chart go to test-artifacts/ (charts-<kind>-<width>.png). From the rendered SVG:
no two tick labels (nor a tick label and a legend entry) overlap, count axes tick in whole numbers,
German pages write German separators and month names, and on a phone the legend sits below the plot.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from tests import factories
from tests.browser.conftest import ARTIFACTS, log_in
from tracker.extensions import db
from tracker.implementation.models import Indicator, IndicatorValue, Light, Milestone
from tracker.implementation.services import report_progress
from tracker.measures.models import MeasureStatus
from tracker.organizations.models import OrganizationType
from tracker.prioritisation.models import Method, PrioritisationRound, RoundResult, RoundStatus

pytestmark = pytest.mark.slow
WIDTHS = (1280, 768, 390)

# Per chart on the page: its kind, tick labels with their boxes, legend entries, the plot area.
MEASURE = """
() => [...document.querySelectorAll('.chart[data-figure]')].map(chart => {
  const figure = JSON.parse(document.getElementById(chart.dataset.figure).textContent);
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const ticks = axis => [...chart.querySelectorAll(`g.${axis}tick text`)]
      .filter(t => t.textContent.trim() !== '' && getComputedStyle(t).display !== 'none')
      .map(t => ({axis, text: t.textContent, box: box(t)}));
  const plot = chart.querySelector('.nsewdrag');
  const legend = chart.querySelector('g.legend');
  return {
    kind: figure.layout.meta.kind, counts: figure.layout.meta.counts || [],
    ticks: [...ticks('x'), ...ticks('y')],
    legend: [...chart.querySelectorAll('g.legend g.traces text')].map(t => ({text: t.textContent, box: box(t)})),
    legendBox: legend ? box(legend) : null, plot: plot ? box(plot) : null,
    separators: chart._fullLayout.separators,
    texts: [...chart.querySelectorAll('text')].map(t => t.textContent),
  };
})
"""


def _overlap(a, b, tolerance=0.5) -> bool:
    return (min(a[2], b[2]) - max(a[0], b[0]) > tolerance) and (min(a[3], b[3]) - max(a[1], b[1]) > tolerance)


@pytest.fixture
def full_process(world):
    """A process with something in every chart: long names, months, decimals, many statuses."""
    process = world.process
    long_hub = factories.hub(process, name="Wirtschaft und Innovation in Sterkrade",
                             short_name="Wirtschaft & Innovation Sterkrade")
    hubs = [world.hub_a, world.hub_b, long_hub]
    people = [factories.person(world.org_a) for _ in range(14)]
    for month in range(10):
        for index, hub in enumerate(hubs):
            held = factories.session(
                process, hub, title=f"Werkstattgespräch zur Zukunft der Innenstadt, Teil {month + 1}",
                starts_at=datetime(2018, 10, 3 + 7 * index, 16) + timedelta(days=31 * month),
                ends_at=datetime(2018, 10, 3 + 7 * index, 17, 30) + timedelta(days=31 * month))
            for person in people[: 3 + (month * 5 + index * 3) % 11]:
                factories.attendance(held, person)
    kinds = list(OrganizationType)
    for index in range(12):
        organisation = factories.organization(name=f"Organisation {index}", type=kinds[index % len(kinds)])
        factories.membership(organisation, hubs[index % 3])
    goals = [factories.goal(process, number=n, title=title) for n, title in (
        (1, "Oberhausen ist ein innovativer und digitaler Wirtschaftsstandort"),
        (2, "Oberhausen sichert Fachkräfte"), (3, "Oberhausen vernetzt Wissenschaft und Wirtschaft"))]
    statuses = list(MeasureStatus)
    adopted = []
    for index in range(30):
        status = statuses[index % len(statuses)]
        measure = factories.measure(process, hubs[index % 3], title=f"Maßnahme mit einem langen Namen {index}",
                                    status=status, primary_goal=goals[index % 3])
        if status in (MeasureStatus.ADOPTED, MeasureStatus.IN_PROGRESS):
            adopted.append(measure)
    for index, measure in enumerate(adopted):
        report_progress(measure, on=date(2019, 6, 1), percent=15 * index + 5, light=list(Light)[index % 3],
                        by=world.steering)
        for step in range(3):
            db.session.add(Milestone(measure=measure, title=f"Schritt {step + 1}", done=step == 0,
                                     due_on=date(2019, 3 + 4 * step, 1 + index)))
    indicator = Indicator(process_id=process.id, name="Neu geschaffene Arbeitsplätze", unit="Stellen",
                          target=Decimal("1250"))
    db.session.add(indicator)
    db.session.flush()
    for month, value in enumerate((120, 380.5, 640, 910, 1105)):
        db.session.add(IndicatorValue(indicator_id=indicator.id, date=date(2019, 1 + 2 * month, 1),
                                      value=Decimal(str(value))))
    round_ = PrioritisationRound(process_id=process.id, title="Priorisierung", method=Method.SCORING,
                                 status=RoundStatus.CLOSED)
    db.session.add(round_)
    db.session.flush()
    for rank, measure in enumerate(adopted, start=1):
        db.session.add(RoundResult(round_id=round_.id, measure_id=measure.id, rank=rank, score=Decimal(10 - rank),
                                   importance=Decimal(str(1.2 + 0.7 * rank % 4)),
                                   urgency=Decimal(str(1.5 + 0.9 * rank % 3.5)), voters=5))
    db.session.commit()
    return round_


def test_every_chart_kind_reads_well_at_desktop_tablet_and_phone_width(page, live_server, world, full_process):
    log_in(page, live_server, world.steering.email, factories.PASSWORD)
    pages = (f"/processes/{world.process.id}/dashboard", f"/processes/{world.process.id}/implementation",
             f"/rounds/{full_process.id}")
    seen: set[str] = set()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages:
            page.goto(live_server + path)
            expected = page.locator(".chart[data-figure]").count()
            assert expected, path
            page.wait_for_function(f"document.querySelectorAll('.chart[data-drawn]').length === {expected}",
                                   timeout=15000)
            page.wait_for_timeout(400)  # plotly's own resize after the layout settled
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
            for chart in page.evaluate(MEASURE):
                where = f"{chart['kind']} at {width} px"
                seen.add(chart["kind"])
                _check(chart, where, narrow=width < 600)
            for index, card in enumerate(page.locator(".chart-card:has(.chart[data-drawn])").all()):
                kind = page.evaluate("e => JSON.parse(document.getElementById(e.querySelector('.chart')"
                                     ".dataset.figure).textContent).layout.meta.kind", card.element_handle())
                ARTIFACTS.mkdir(exist_ok=True)
                card.screenshot(path=str(ARTIFACTS / f"charts-{kind}-{index}-{width}.png"))
    assert seen == {"funnel", "status-per-hub", "participation", "working-hours", "organisations",
                    "progress-per-goal", "traffic-lights", "milestones", "attendance", "matrix", "indicator"}


def _check(chart: dict, where: str, *, narrow: bool) -> None:
    ticks = chart["ticks"]
    assert ticks, f"{where}: no tick labels"
    labelled = ticks + chart["legend"]
    for i, first in enumerate(labelled):
        for second in labelled[i + 1:]:
            assert not _overlap(first["box"], second["box"]), f"{where}: {first['text']!r} overlaps {second['text']!r}"
    for axis in chart["counts"]:
        texts = [t["text"] for t in ticks if t["axis"] == axis]
        assert texts and all(text.replace(".", "").isdigit() for text in texts), f"{where}: {texts}"
        assert all("," not in text for text in texts), f"{where}: {texts}"
    assert chart["separators"] == ",.", where  # German: 1.234,5
    words = " ".join(chart["texts"])
    if chart["kind"] == "participation":
        assert "Okt." in words and "Oct" not in words, words
    if chart["kind"] == "working-hours":
        assert any("," in text and text.replace(",", "").replace(".", "").isdigit() for text in chart["texts"]), words
    if chart["kind"] == "indicator":
        assert "1.250" in words or "1.000" in words, words  # thousands with a point
    if chart["kind"] == "progress-per-goal":
        assert "\u00a0%" in words, words
    if narrow and chart["legendBox"] and chart["plot"] and chart["legend"]:
        assert chart["legendBox"][1] >= chart["plot"][3], f"{where}: the legend is not below the plot"
