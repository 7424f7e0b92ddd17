"""Every file the app writes opens, whatever was typed or stored (issue 16, findings 4 and 8).

The data are written straight into the database, as text saved before the inputs were cleaned (or
by an importer, or frozen into a plan version) would be; the exports must make valid files of it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from sqlalchemy import text, update

from tests import factories
from tracker.charts.aggregates import PROCESS_AGGREGATES
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub
from tracker.implementation.models import Milestone
from tracker.measures.models import Measure, MeasureStatus
from tracker.organizations.models import Organization, Person
from tracker.plan import versions
from tracker.plan.models import PlanVersion
from tracker.prioritisation import services as prioritisation
from tracker.prioritisation.models import Method
from tracker.sessions.models import AttendanceStatus, Session

pytestmark = pytest.mark.slow  # PDF and DOCX

# C0 controls (not tab, newline, carriage return), DEL and C1 controls: XML 1.0 forbids most of them.
CONTROL = "\x01\x02\x08\x0b\x0c\x0e\x1b\x1f\x7f\x80\x85\x9f"
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LONE_SURROGATE = "\ud800"
PLAN_FORMATS = ("md", "csv", "html", "pdf", "docx")
PUBLIC_FORMATS = ("pdf", "md", "docx", "html")
FORMULAS = ('=HYPERLINK("http://evil","x")', "+1+1 plus", "-1+1 minus", "@SUM(A1) at", "\t=1+1 tab")


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PLAN_CHART_IMAGES": False}


def _typed(titles: list[str], world):
    """Measures (proposals, then adopted under a guiding goal), a closed prioritisation round over them,
    a milestone, and an invited and an attending person: every export has rows."""
    process = world.process
    goal = factories.goal(process, number=1, title="Oberhausen ist innovativ")
    measures = [factories.measure(process, world.hub_a, title=f"Vorschlag {i}", status=MeasureStatus.PROPOSAL,
                                  proposer_organization=world.org_a)
                for i in range(len(titles))]
    db.session.commit()
    round_ = prioritisation.open_round(process, title="Punkte", method=Method.DOTS, measures=measures,
                                       points_per_voter=5, max_points_per_measure=3, by=world.steering)
    prioritisation.vote(round_, {measures[0].id: 2}, by=world.company_a)
    prioritisation.close_round(round_, by=world.steering)
    for measure in measures:
        measure.status = MeasureStatus.ADOPTED
        measure.primary_goal = goal
        measure.is_focus_project = True
        measure.responsible_organizations = [world.org_a]
        db.session.add(Milestone(measure=measure, title="Start", due_on=date(2020, 1, 1)))
    world.org_a.consents_to_be_named = True
    world.hub_a.lead_organizations = [world.org_a]
    factories.attendance(world.session_a, world.company_a.person, status=AttendanceStatus.INVITED)
    factories.attendance(world.session_a, world.moderator_a.person)
    db.session.commit()
    for measure, title in zip(measures, titles, strict=True):
        db.session.execute(update(Measure).where(Measure.id == measure.id).values(title=title))
    return goal, measures, round_


def _downloads(world, round_, versions_: list[PlanVersion]) -> list[str]:
    """The URL of every file the app writes about the world's process."""
    process, session = world.process, world.session_a
    urls = [f"/processes/{process.id}/plan?format={fmt}" for fmt in PLAN_FORMATS]
    urls += [f"/processes/{process.id}/interim-report?format={fmt}" for fmt in PLAN_FORMATS]
    urls += [f"/plan/versions/{v.id}?format={fmt}" for v in versions_ for fmt in PLAN_FORMATS]
    urls += [f"/p/{process.id}/plan?format={fmt}" for fmt in PUBLIC_FORMATS]
    urls += [f"/processes/{process.id}/measures.{fmt}" for fmt in ("csv", "xlsx")]
    urls += [f"/sessions/{session.id}/attendance.{fmt}" for fmt in ("csv", "xlsx")]
    urls += [f"/processes/{process.id}/sessions.{fmt}" for fmt in ("csv", "xlsx")]
    urls += [f"/sessions/{session.id}/sign-in-sheet.pdf"]
    urls += [f"/rounds/{round_.id}/results.{fmt}" for fmt in ("csv", "xlsx")]
    urls += [f"/processes/{process.id}/charts/{key}.csv" for key in PROCESS_AGGREGATES]
    return urls


def _kind(url: str) -> str:
    match = re.search(r"format=(\w+)$", url) or re.search(r"\.(\w+)$", url)
    return match.group(1)


def _opened(url: str, data: bytes) -> str:
    """The file opened by the library a reader would use; its text for further checks."""
    kind = _kind(url)
    if kind == "pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if kind == "docx":
        from docx import Document

        document = Document(io.BytesIO(data))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if kind == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data)).active
        return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)
    return data.decode("utf-8")


def _stored(version: PlanVersion) -> tuple:
    return tuple(db.session.execute(text("SELECT label, content, content_hash FROM plan_version WHERE id = :id"),
                                    {"id": version.id}).one())


def test_control_characters_in_stored_text_never_break_an_export(client, login, world):
    """Issue 16, finding 4: a control character in an idea title made the plan DOCX, the interim-report
    DOCX, the measures XLSX and the published plan's DOCX answer 500, for frozen versions forever."""
    _goal, measures, round_ = _typed([f"Idee{CONTROL} mit Steuerzeichen", "Zweite Idee"], world)
    bad = {
        Measure: (measures[1].id, {"description": f"Zeile{CONTROL} eins\n\tZeile zwei", "approach": "\x1b[31mrot",
                                   "cost_estimate": "\x0c100 €"}),
        GuidingGoal: (_goal.id, {"title": f"Leitziel{CONTROL}", "introduction": "Ein\x07leitung"}),
        Session: (world.session_a.id, {"title": f"Workshop{CONTROL} A1"}),
        Hub: (world.hub_a.id, {"name": f"Hub{CONTROL} A"}),
        Organization: (world.org_a.id, {"name": f"Alpha{CONTROL} GmbH", "sector": "Logistik\x01"}),
        Person: (world.company_a.person.id, {"name": f"Carla{CONTROL} Company"}),
    }
    for model, (id_, values) in bad.items():
        db.session.execute(update(model).where(model.id == id_).values(**values))
    db.session.execute(update(type(world.process)).where(type(world.process).id == world.process.id)
                       .values(foreword=f"Vorwort{CONTROL}", name=f"Masterplan{CONTROL}"))
    db.session.commit()

    published = versions.freeze(world.process, "Masterplan 2019", by=world.steering)
    versions.submit(published, by=world.steering)
    factories.approve_plan_version(published)
    draft = versions.freeze(world.process, "Entwurf 2", by=world.steering)
    db.session.commit()
    # A frozen version's text as an older release stored it: JSON keeps even a lone surrogate.
    for version in (published, draft):
        content = json.loads(json.dumps(version.content))
        content["chapters"][0]["measures"][0]["title"] += LONE_SURROGATE
        content["foreword"] += LONE_SURROGATE
        db.session.execute(update(PlanVersion).where(PlanVersion.id == version.id).values(content=content))
    db.session.commit()
    stored = {v.id: _stored(v) for v in (published, draft)}

    login(world.admin)
    pages = [f"/processes/{world.process.id}/plan", f"/processes/{world.process.id}/interim-report",
             f"/plan/versions/{draft.id}", f"/plan/versions/{published.id}", f"/p/{world.process.id}/plan",
             f"/processes/{world.process.id}/plan/compare?a={published.id}&b={draft.id}"]
    broken = [(page, status) for page in pages if (status := client.get(page).status_code) != 200]
    for url in _downloads(world, round_, [draft, published]):
        response = client.get(url)
        if response.status_code != 200:
            broken.append((url, response.status_code))
        elif FORBIDDEN.search(_opened(url, response.get_data())):
            broken.append((url, "control character"))
    assert broken == []
    for url in (f"/processes/{world.process.id}/plan?format=md", f"/plan/versions/{published.id}?format=docx",
                f"/processes/{world.process.id}/measures.xlsx"):
        assert "mit Steuerzeichen" in _opened(url, client.get(url).get_data()), url

    db.session.expire_all()
    assert {v.id: _stored(v) for v in (published, draft)} == stored  # what a version says never changes
    assert LONE_SURROGATE in db.session.get(PlanVersion, draft.id).content["foreword"]


def _cells(url: str, data: bytes) -> list[tuple[object, str | None]]:
    """(value, openpyxl data type or None) of every cell of a CSV or XLSX file."""
    if url.endswith("xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data)).active
        return [(cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row]
    decoded = data.decode("utf-8-sig")
    delimiter = ";" if ";" in decoded.splitlines()[0] else ","
    return [(value, None) for row in csv.reader(io.StringIO(decoded), delimiter=delimiter) for value in row]


def test_formulas_typed_as_titles_arrive_as_text_in_every_spreadsheet(client, login, world):
    """Issue 16, finding 8: the prioritisation results XLSX wrote a title starting with = as a live formula."""
    _goal, _measures, round_ = _typed(list(FORMULAS), world)
    db.session.execute(update(Session).where(Session.id == world.session_a.id).values(title=FORMULAS[0]))
    db.session.execute(update(Person).where(Person.id == world.company_a.person.id).values(name=FORMULAS[3]))
    db.session.execute(update(Organization).where(Organization.id == world.org_a.id).values(name=FORMULAS[1]))
    db.session.commit()
    version = versions.freeze(world.process, "Masterplan 2019", by=world.steering)
    db.session.commit()

    login(world.admin)
    spreadsheets = [url for url in _downloads(world, round_, [version]) if _kind(url) in ("csv", "xlsx")]
    for url in spreadsheets:
        response = client.get(url)
        assert response.status_code == 200, url
        cells = _cells(url, response.get_data())
        assert all(kind != "f" for _value, kind in cells), url
        texts = [value for value, _kind in cells if isinstance(value, str)]
        assert not [value for value in texts if value.startswith(("=", "+", "-", "@", "\t", "\r"))], url
    for url in (f"/rounds/{round_.id}/results.xlsx", f"/processes/{world.process.id}/measures.csv",
                f"/plan/versions/{version.id}?format=csv", f"/processes/{world.process.id}/plan?format=csv"):
        texts = [value for value, _kind in _cells(url, client.get(url).get_data()) if isinstance(value, str)]
        for formula in FORMULAS:
            assert "'" + formula in texts, (url, formula)
    attendance = [value for value, _kind in _cells(f"/sessions/{world.session_a.id}/attendance.xlsx", client.get(
        f"/sessions/{world.session_a.id}/attendance.xlsx").get_data())]
    assert "'" + FORMULAS[3] in attendance and "'" + FORMULAS[1] in attendance
