"""Exports open in Excel (BOM, semicolons, umlauts) and parse back with the right numbers."""

import csv
import io
from datetime import datetime, timedelta

from openpyxl import load_workbook

from tests import factories
from tracker.extensions import db
from tracker.sessions.models import AttendanceStatus


def _workshop_with_three_attendees(world):
    starts = datetime(2018, 11, 5, 17, 0)
    session = factories.session(world.process, world.hub_a, title="Workshop Ökologie", starts_at=starts,
                                ends_at=starts + timedelta(hours=2.5))
    factories.attendance(session, factories.person(world.org_a, name="Jürgen Öztürk"))
    factories.attendance(session, factories.person(world.org_a, name="=HYPERLINK(\"http://evil\")"))
    factories.attendance(session, factories.person(None, name="+49 Anrufer"))
    factories.attendance(session, factories.person(None, name="Ella Entschuldigt"), AttendanceStatus.EXCUSED)
    db.session.commit()
    return session


def test_session_attendance_as_csv_with_bom_and_formula_guard(client, world, login):
    session = _workshop_with_three_attendees(world)
    login(world.moderator_a)
    response = client.get(f"/sessions/{session.id}/attendance.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Name"
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Jürgen Öztürk"][1] == "Alpha GmbH"
    assert by_name["Jürgen Öztürk"][4] == "Teilgenommen" or by_name["Jürgen Öztürk"][4] == "Attended"
    assert "'=HYPERLINK(\"http://evil\")" in by_name and "'+49 Anrufer" in by_name
    assert len(rows) == 5


def test_session_attendance_as_xlsx(client, world, login):
    session = _workshop_with_three_attendees(world)
    login(world.moderator_a)
    response = client.get(f"/sessions/{session.id}/attendance.xlsx")
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Jürgen Öztürk" in names and "'=HYPERLINK(\"http://evil\")" in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_sessions_of_a_process_with_counts_and_working_hours(client, world, login):
    _workshop_with_three_attendees(world)
    login(world.steering)
    response = client.get(f"/processes/{world.process.id}/sessions.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    rows = {row[header.index("Titel") if "Titel" in header else 5]: row
            for row in sheet.iter_rows(min_row=2, values_only=True)}
    row = rows["Workshop Ökologie"]
    assert row[7:12] == (0, 0, 3, 1, 0)  # invited, registered, attended, excused, absent
    assert row[-2:] == (2.5, 7.5)

    text = client.get(f"/processes/{world.process.id}/sessions.csv").data.decode("utf-8-sig")
    lines = {r[5]: r for r in csv.reader(io.StringIO(text), delimiter=";")}
    assert lines["Workshop Ökologie"][9] == "3" and lines["Workshop Ökologie"][-1] == "7,5"
    assert lines["Workshop A1"][-1] == "0"


def test_exports_are_refused_to_those_who_may_not_see_attendance(client, world, login):
    session = _workshop_with_three_attendees(world)
    login(world.company_a)
    assert client.get(f"/sessions/{session.id}/attendance.csv").status_code == 403
    assert client.get(f"/processes/{world.process.id}/sessions.xlsx").status_code == 403
    client.post("/logout")
    login(world.moderator_b)
    assert client.get(f"/sessions/{session.id}/attendance.xlsx").status_code == 403
