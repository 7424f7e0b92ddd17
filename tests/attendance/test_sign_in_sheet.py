"""The printable sign-in sheet lists the people expected or present (not who sent apologies)."""

import io

import pytest
from pypdf import PdfReader

from tests import factories
from tracker.extensions import db
from tracker.sessions.models import AttendanceStatus


@pytest.mark.slow
def test_sign_in_sheet_is_a_pdf_with_the_invited_and_registered_people(client, world, login):
    world.session_a.location = "Rathaus, Raum 101"
    factories.attendance(world.session_a, world.company_a.person, AttendanceStatus.INVITED)
    factories.attendance(world.session_a, factories.person(world.org_a, name="Renate Registriert"),
                         AttendanceStatus.REGISTERED)
    factories.attendance(world.session_a, factories.person(world.org_a, name="Ernst Entschuldigt"),
                         AttendanceStatus.EXCUSED)
    # Issue 18: printed after the roll call, the sheet was blank (only invited and registered were listed).
    factories.attendance(world.session_a, factories.person(world.org_a, name="Anna Anwesend"),
                         AttendanceStatus.ATTENDED)
    db.session.commit()
    login(world.moderator_a)
    response = client.get(f"/sessions/{world.session_a.id}/sign-in-sheet.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Workshop A1" in text and "Rathaus, Raum 101" in text and "2018" in text
    assert "Carla Company-A" in text and "Renate Registriert" in text and "Alpha GmbH" in text
    assert "Anna Anwesend" in text and "Ernst Entschuldigt" not in text


def test_sign_in_sheet_is_not_for_another_hubs_moderator(client, world, login):
    login(world.moderator_b)
    assert client.get(f"/sessions/{world.session_a.id}/sign-in-sheet.pdf").status_code == 403
