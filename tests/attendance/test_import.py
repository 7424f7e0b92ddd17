"""Importing participants and organisations: preview with row errors, then all rows or none."""

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tests.attendance.conftest import statuses
from tracker.attendance.models import ImportBatch
from tracker.extensions import db
from tracker.hubs.models import HubMembership
from tracker.organizations.models import Organization, OrganizationType, Person


@pytest.fixture
def app_config(app_config):
    """A small upload limit, so the oversize test needs no megabyte of test data."""
    return {**app_config, "ATTENDANCE_IMPORT_MAX_BYTES": 64 * 1024}


GOOD_CSV = (
    "Name;E-Mail;Organisation;Typ;Funktion;Status\n"
    "Jürgen Öztürk;juergen@example.org;Handwerkskammer Ruhr;Kammer;Referent;teilgenommen\n"
    "Carla Again;{carla};Alpha GmbH;;;registered\n"
    "Petra Privat;;;;;\n"
)


def _upload(client, url, content: bytes, filename: str):
    return client.post(url, data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def _batch_id(response) -> int:
    return int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))


def test_good_csv_for_a_session_is_previewed_then_imported(client, world, login):
    login(world.moderator_a)
    csv_text = GOOD_CSV.format(carla=world.company_a.person.email)
    response = _upload(client, f"/sessions/{world.session_a.id}/import", csv_text.encode("cp1252"), "liste.csv")
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Jürgen Öztürk" in html and "Petra Privat" in html
    assert db.session.scalar(select(Person).where(Person.name == "Jürgen Öztürk")) is None  # not yet

    confirm = client.post(f"/imports/{_batch_id(response)}/confirm")
    assert confirm.status_code == 302
    assert statuses(world.session_a) == {"Jürgen Öztürk": "attended", "Carla Company-A": "registered",
                                         "Petra Privat": "invited"}
    juergen = db.session.scalar(select(Person).where(Person.email == "juergen@example.org"))
    assert juergen.organization.type == OrganizationType.CHAMBER and juergen.function == "Referent"
    assert client.post(f"/imports/{_batch_id(response)}/confirm").status_code == 409  # only once


def test_good_xlsx_for_a_hub_adds_members_and_delegates(client, world, login):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Organisation", "Organisation type"])
    sheet.append(["Hanna Hub", "hanna@example.org", "Neue Werkstatt GmbH", "company"])
    sheet.append(["Anton Alpha", "anton@example.org", "alpha gmbh", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    login(world.moderator_a)
    response = _upload(client, f"/hubs/{world.hub_a.id}/import", buffer.getvalue(), "mitglieder.xlsx")
    assert response.status_code == 302
    assert client.post(f"/imports/{_batch_id(response)}/confirm").status_code == 302

    db.session.expire_all()
    members = {m.organization.name: sorted(p.name for p in m.delegates) for m in db.session.scalars(
        select(HubMembership).where(HubMembership.hub_id == world.hub_a.id, HubMembership.left_at.is_(None)))}
    assert members == {"Alpha GmbH": ["Anton Alpha", "Carla Company-A"], "Neue Werkstatt GmbH": ["Hanna Hub"]}


def test_one_bad_row_means_nothing_is_imported(client, world, login, counts):
    login(world.moderator_a)
    before = counts()
    csv_text = (
        "Name,Email,Organisation,Organisation type\n"
        "Gute Person,gut@example.org,Gute Firma GmbH,company\n"
        ",ohne-name@example.org,,\n"
        "Falsche Mail,keine-mail,,\n"
        "Typ Unbekannt,typ@example.org,Seltsam e.V.,Geheimbund\n"
        "Doppelt,GUT@example.org,,\n"
    )
    response = _upload(client, f"/sessions/{world.session_a.id}/import", csv_text.encode(), "liste.csv")
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "4" in preview and "Geheimbund" in preview and "keine-mail" in preview
    assert f'action="/imports/{_batch_id(response)}/confirm"' not in preview  # no confirm button

    confirm = client.post(f"/imports/{_batch_id(response)}/confirm")
    assert confirm.status_code == 400  # the rows are invalid: nothing of the file is imported
    assert counts() == before
    assert db.session.scalar(select(Organization).where(Organization.name == "Gute Firma GmbH")) is None
    errors = [row["errors"] for row in db.session.get(ImportBatch, _batch_id(response)).rows]
    assert [bool(e) for e in errors] == [False, True, True, True, True]


def test_a_row_that_became_invalid_after_the_preview_stops_the_import(client, world, login, counts):
    """The organisation joined another hub between preview and confirm: still all or nothing."""
    login(world.moderator_a)
    csv_text = "Name;Organisation\nNeu Eins;Erste Neue GmbH\nBert Beta;Beta GmbH\n"
    response = _upload(client, f"/hubs/{world.hub_a.id}/import", csv_text.encode(), "liste.csv")
    batch = db.session.get(ImportBatch, _batch_id(response))
    assert batch.error_count == 1  # Beta GmbH is in hub B already
    before = counts()
    assert client.post(f"/imports/{batch.id}/confirm").status_code == 400
    assert counts() == before


def test_oversized_upload_is_refused_with_a_message(client, world, login):
    login(world.moderator_a)
    content = b"Name\n" + b"x" * (65 * 1024)
    response = _upload(client, f"/sessions/{world.session_a.id}/import", content, "gross.csv")
    assert response.status_code == 400
    assert "64 KB" in response.get_data(as_text=True)
    assert db.session.scalar(select(ImportBatch)) is None


def test_wrong_type_is_refused_by_content_not_only_by_name(client, world, login):
    login(world.moderator_a)
    url = f"/sessions/{world.session_a.id}/import"
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    for content, name in ((b"Name\nA\n", "liste.xlsx"), (png, "bild.csv"), (b"PK\x03\x04 not a zip", "x.xlsx"),
                          (b"Name\nA\n", "programm.exe")):
        response = _upload(client, url, content, name)
        assert response.status_code == 400, name
        assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(ImportBatch)) is None


def test_moderator_of_another_hub_can_neither_upload_nor_see_nor_confirm(client, world, login, counts):
    login(world.moderator_a)
    response = _upload(client, f"/sessions/{world.session_a.id}/import", b"Name\nEva Extern\n", "a.csv")
    batch_id = _batch_id(response)
    client.post("/logout")
    login(world.moderator_b)
    before = counts()
    assert _upload(client, f"/sessions/{world.session_a.id}/import", b"Name\nX\n", "b.csv").status_code == 403
    assert _upload(client, f"/hubs/{world.hub_a.id}/import", b"Name;Organisation\nX;Y\n", "b.csv").status_code == 403
    assert client.get(f"/imports/{batch_id}").status_code == 404
    assert client.post(f"/imports/{batch_id}/confirm").status_code == 404
    assert counts() == before


def test_a_file_without_a_name_column_is_refused(client, world, login):
    login(world.moderator_a)
    response = _upload(client, f"/sessions/{world.session_a.id}/import", b"Vorname,Ort\nA,B\n", "liste.csv")
    assert response.status_code == 400
    assert "Name" in response.get_data(as_text=True)
    assert db.session.scalar(select(ImportBatch)) is None
