"""One CSV convention per language (issue 19, item 6): German files with semicolons, BOM, German headers
and labels; English files with commas and English; no stored code in any file."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests import factories
from tracker.charts.aggregates import PROCESS_AGGREGATES
from tracker.extensions import db
from tracker.implementation.models import Light
from tracker.implementation.services import report_progress
from tracker.measures.models import Horizon, MeasureStatus
from tracker.prioritisation import services as prioritisation
from tracker.prioritisation.models import Method
from tracker.sessions.models import AttendanceStatus, SessionKind, SessionStatus

BOM = b"\xef\xbb\xbf"
CODES = {value.value for enum in (MeasureStatus, Horizon, Light, SessionStatus, SessionKind, AttendanceStatus)
         for value in enum} | {"True", "False"}


@pytest.fixture
def under_way(world):
    """A focus project in progress under guiding goal 1, reported yellow; a closed prioritisation round."""
    goal = factories.goal(world.process, number=1, title="Oberhausen ist innovativ")
    measure = factories.measure(world.process, world.hub_a, title="Glasfaser für alle", status=MeasureStatus.PROPOSAL,
                                cost_estimate="50.000 €", horizon=Horizon.SHORT)
    db.session.commit()
    round_ = prioritisation.open_round(world.process, title="Punkte", method=Method.DOTS, measures=[measure],
                                       points_per_voter=5, max_points_per_measure=3, by=world.steering)
    prioritisation.vote(round_, {measure.id: 2}, by=world.company_a)
    prioritisation.close_round(round_, by=world.steering)
    measure.status, measure.primary_goal, measure.is_focus_project = MeasureStatus.IN_PROGRESS, goal, True
    factories.attendance(world.session_a, world.moderator_a.person)
    db.session.commit()
    report_progress(measure, on=date(2020, 3, 1), percent=30, light=Light.YELLOW, by=world.steering)
    db.session.commit()
    return measure, round_


def _table(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def _header_and_row(data: bytes, delimiter: str, title: str) -> tuple[list[str], dict[str, str]]:
    rows = _table(data, delimiter)
    row = next(r for r in rows[1:] if title in r)
    return rows[0], dict(zip(rows[0], row, strict=True))


def test_the_measures_list_in_german(client, world, under_way, login):
    login(world.steering)
    response = client.get(f"/processes/{world.process.id}/measures.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    data = response.get_data()
    assert data.startswith(BOM)
    header, row = _header_and_row(data, ";", "Glasfaser für alle")
    assert header[:7] == ["Nr.", "Titel", "Status", "Hub", "Leitziel", "Zeithorizont", "Fokusprojekt"]
    assert row["Status"] == "In Umsetzung" and row["Fokusprojekt"] == "ja"
    assert row["Zeithorizont"] == "Kurzfristig (bis 1 Jahr)" and row["Kostenschätzung"] == "50.000 €"


def test_the_measures_list_in_english(client, world, under_way, login):
    login(world.steering)
    client.post("/language", data={"locale": "en"})
    data = client.get(f"/processes/{world.process.id}/measures.csv").get_data()
    assert data.startswith(BOM)  # Excel reads the umlauts of German names in any language only with it
    assert b";" not in data.splitlines()[0]
    header, row = _header_and_row(data, ",", "Glasfaser für alle")
    assert header[:7] == ["No.", "Title", "Status", "Hub", "Guiding goal", "Horizon", "Focus project"]
    assert row["Status"] == "In progress" and row["Focus project"] == "yes"
    assert row["Horizon"] == "Short term (up to 1 year)"


def test_the_plan_in_german(client, world, under_way, login):
    login(world.steering)
    data = client.get(f"/processes/{world.process.id}/plan?format=csv").get_data()
    assert data.startswith(BOM)
    header, row = _header_and_row(data, ";", "Glasfaser für alle")
    assert header[:6] == ["Nr.", "ID", "Titel", "Leitziel", "Status", "Fokusprojekt"]
    assert row["Status"] == "In Umsetzung" and row["Fokusprojekt"] == "ja" and row["Leitziel"] == "1"
    assert row["Ampel"] == "Braucht Aufmerksamkeit" and row["Fortschritt (%)"] == "30"
    assert row["Zeithorizont"] == "Kurzfristig (bis 1 Jahr)"


def test_the_plan_of_an_english_installation(make_app, world, under_way):
    client = make_app(BABEL_DEFAULT_LOCALE="en").test_client()
    client.post("/login", data={"email": world.steering.email, "password": factories.PASSWORD})
    data = client.get(f"/processes/{world.process.id}/plan?format=csv").get_data()
    header, row = _header_and_row(data, ",", "Glasfaser für alle")
    assert header[:6] == ["No.", "ID", "Title", "Guiding goal", "Status", "Focus project"]
    assert row["Status"] == "In progress" and row["Focus project"] == "yes"
    assert row["Traffic light"] == "Needs attention" and row["Horizon"] == "Short term (up to 1 year)"


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_csv_holds_a_stored_code(client, world, under_way, login, language):
    _measure, round_ = under_way
    login(world.admin)
    client.post("/language", data={"locale": language})
    process = world.process
    urls = [f"/processes/{process.id}/measures.csv", f"/sessions/{world.session_a.id}/attendance.csv",
            f"/processes/{process.id}/sessions.csv", f"/rounds/{round_.id}/results.csv",
            *[f"/processes/{process.id}/charts/{key}.csv" for key in PROCESS_AGGREGATES]]
    delimiter = ";" if language == "de" else ","
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        rows = _table(response.get_data(), delimiter)
        assert len({len(row) for row in rows}) == 1, url  # split by the language's delimiter, every row fits
        cells = {cell for row in rows for cell in row}
        assert not cells & CODES, (url, cells & CODES)
        if language == "de":
            # no 2.5 (a German date, 17.10.2018, has two points)
            assert not any(cell.replace(".", "").isdigit() and cell.count(".") == 1 for cell in cells), url
