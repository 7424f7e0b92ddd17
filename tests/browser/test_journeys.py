"""The four journeys of the product, each as a person would click through it, with CSRF on.

Every journey ends with screenshots at desktop and tablet width in test-artifacts/.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import log_in, screenshot
from tracker.extensions import db
from tracker.measures.models import Measure, MeasureStatus
from tracker.plan.models import PlanStatus, PlanVersion
from tracker.sessions.models import Attendance, AttendanceStatus, Session, SessionStatus

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config(app_config):
    """As in production: CSRF on every form; chart images off (they have tests of their own)."""
    return {**app_config, "WTF_CSRF_ENABLED": True, "PLAN_CHART_IMAGES": False}


def _fresh():
    """See what the browser's requests committed."""
    db.session.commit()
    db.session.expire_all()


def _screenshots(tab, name: str) -> None:
    screenshot(tab, f"journey-{name}-desktop")
    tab.set_viewport_size({"width": 768, "height": 1024})
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways at 768 px"
    screenshot(tab, f"journey-{name}-tablet")


def test_journey_1_moderator_runs_a_workshop(page, live_server, world):
    second_delegate = factories.person(world.org_a, name="Doris Delegierte")
    next(m for m in world.hub_a.memberships if m.organization_id == world.org_a.id).delegates.append(second_delegate)
    db.session.commit()

    log_in(page, live_server, world.moderator_a.email, factories.PASSWORD)
    page.goto(f"{live_server}/hubs/{world.hub_a.id}")
    page.get_by_role("link", name="Workshop planen").click()
    page.get_by_label("Titel").fill("Fachkräfte gewinnen")
    page.get_by_label("Beginn").fill("2019-03-13T16:30")
    page.get_by_label("Ende").fill("2019-03-13T18:30")
    page.get_by_label("Ort").fill("Zentrum Altenberg")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert "Fachkräfte gewinnen" in page.locator("h1").inner_text()
    _fresh()
    session = db.session.scalar(select(Session).where(Session.title == "Fachkräfte gewinnen"))
    assert session.hub_id == world.hub_a.id and session.starts_at == datetime(2019, 3, 13, 16, 30)

    page.get_by_role("link", name="Anwesenheit erfassen").first.click()
    page.get_by_role("button", name="Alle Delegierten einladen").click()
    page.wait_for_load_state()
    _fresh()
    rows = {a.person.name: a for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))}
    assert set(rows) == {world.company_a.person.name, "Doris Delegierte"}
    carla = rows[world.company_a.person.name]
    page.locator(f"#attendance-{carla.id} .choice--attended").click()
    page.locator(f"#attendance-{carla.id} .roll-call__state", has_text="Gespeichert").wait_for()
    page.locator(f"#attendance-{rows['Doris Delegierte'].id} .choice--excused").click()
    page.locator(f"#attendance-{rows['Doris Delegierte'].id} .roll-call__state", has_text="Gespeichert").wait_for()

    page.goto(f"{live_server}/sessions/{session.id}")
    page.get_by_role("button", name="Als durchgeführt markieren").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Protokoll schreiben").click()
    page.get_by_label("Protokoll (Markdown)").fill("## Ergebnisse\n\n- Ausbildungsbörse im Mai\n- **Pendlerportal**")
    page.get_by_role("button", name="Protokoll speichern").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/sessions/{session.id}")
    page.get_by_role("button", name="Protokoll freigeben").click()
    page.wait_for_load_state()
    assert page.locator("h2", has_text="Ergebnisse").count() == 1  # the Markdown is rendered

    for title in ("Ausbildungsbörse im Mai", "Pendlerportal für Fachkräfte"):
        page.get_by_label("Idee", exact=True).fill(title)
        page.get_by_label("Eingebracht von").select_option(label="Alpha GmbH")
        page.get_by_role("button", name="Idee festhalten").click()
        page.wait_for_load_state()
        assert title in page.content()

    _fresh()
    session = db.session.get(Session, session.id)
    assert session.status == SessionStatus.HELD and session.minutes_approved_at is not None
    assert {a.person.name: a.status for a in session.attendances} == {
        world.company_a.person.name: AttendanceStatus.ATTENDED, "Doris Delegierte": AttendanceStatus.EXCUSED}
    ideas = db.session.scalars(select(Measure).where(Measure.session_id == session.id)).all()
    assert sorted(m.title for m in ideas) == ["Ausbildungsbörse im Mai", "Pendlerportal für Fachkräfte"]
    assert {m.proposer_organization_id for m in ideas} == {world.org_a.id}
    _screenshots(page, "1-moderator")


def test_journey_2_company_chooses_a_hub_proposes_and_supports(page, live_server, world):
    newcomer_org = factories.organization(name="Gamma Logistik")
    newcomer = factories.user(organization=newcomer_org, name="Gerda Gamma")
    db.session.commit()

    log_in(page, live_server, newcomer.email, factories.PASSWORD)
    page.goto(f"{live_server}/hubs/choose/{world.process.id}")
    page.get_by_label("Hub").select_option(label="Hub A")
    page.get_by_role("button", name="Wahl speichern").click()
    page.wait_for_load_state()
    _fresh()
    from tracker.hubs.services import current_membership

    assert current_membership(newcomer_org, world.process).hub_id == world.hub_a.id

    page.goto(f"{live_server}/processes/{world.process.id}/measures")
    page.get_by_role("link", name="Maßnahme vorschlagen").click()
    page.get_by_label("Titel").fill("Lastenräder für die Innenstadt")
    page.get_by_label("Das machen wir").fill("Ein Verleih von Lastenrädern für Händler.")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert "Lastenräder für die Innenstadt" in page.locator("h1").inner_text()

    page.goto(f"{live_server}/measures/{world.measure_a.id}")
    page.get_by_role("button", name="Unterstützen").click()
    page.wait_for_load_state()
    assert "Ihre Organisation unterstützt diese Maßnahme." in page.content()

    refused = page.goto(f"{live_server}/sessions/{world.session_b.id}/edit")
    assert refused.status == 403
    _fresh()
    proposal = db.session.scalar(select(Measure).where(Measure.title == "Lastenräder für die Innenstadt"))
    assert proposal.hub_id == world.hub_a.id and proposal.proposer_organization_id == newcomer_org.id
    assert newcomer_org.id in {o.id for o in db.session.get(Measure, world.measure_a.id).supporters}
    assert db.session.get(Session, world.session_b.id).title == "Workshop B1"
    page.goto(f"{live_server}/measures/{proposal.id}")
    _screenshots(page, "2-company")


def test_journey_3_steering_from_merge_to_the_public_progress_page(browser, page, live_server, world):
    goal = factories.goal(world.process, number=1, title="Oberhausen ist innovativ")
    twin = factories.measure(world.process, world.hub_a, title="Idee aus A, zweite Fassung")
    db.session.commit()

    log_in(page, live_server, world.steering.email, factories.PASSWORD)
    page.goto(f"{live_server}/processes/{world.process.id}/measures")
    page.get_by_label("Idee aus A auswählen").check()
    page.get_by_label("Idee aus A, zweite Fassung auswählen").check()
    page.get_by_text("Angekreuzte Ideen zusammenführen").click()
    page.get_by_label("… oder in eine neue Maßnahme mit dem Titel").fill("Innovationslabor Oberhausen")
    page.get_by_role("button", name="Zusammenführen", exact=True).click()
    page.wait_for_load_state()
    _fresh()
    merged = db.session.scalar(select(Measure).where(Measure.title == "Innovationslabor Oberhausen"))
    assert {m.id for m in merged.merged_from} == {world.measure_a.id, twin.id}

    page.goto(f"{live_server}/measures/{merged.id}/edit")
    page.get_by_label("Hauptleitziel").select_option(label="1. Oberhausen ist innovativ")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    for step in ("In Prüfung", "Vorschlag", "Beschlossen"):
        page.get_by_role("button", name=f"→ {step}").click()
        page.wait_for_load_state()
    page.get_by_role("button", name="Als Fokusprojekt kennzeichnen").click()
    page.wait_for_load_state()
    _fresh()
    merged = db.session.get(Measure, merged.id)
    assert merged.status == MeasureStatus.ADOPTED and merged.is_focus_project and merged.primary_goal_id == goal.id

    page.get_by_role("link", name="Plan", exact=True).first.click()
    page.get_by_label("Bezeichnung der Fassung").fill("Entwurf Dezember 2019")
    page.get_by_role("button", name="Diesen Entwurf einfrieren").click()
    page.get_by_role("button", name="Zur Prüfung vorlegen").click()
    page.get_by_label("Diesen Abschnitt kommentieren").first.fill("Bitte das Vorwort kürzen.")
    page.get_by_role("button", name="Kommentieren").first.click()
    page.wait_for_load_state()
    # Four eyes: the submitter cannot approve; two other members of the steering group do.
    assert page.get_by_role("button", name="Freigeben und veröffentlichen").count() == 0
    _fresh()
    factories.approve_plan_version(db.session.scalar(select(PlanVersion)))
    db.session.commit()
    assert db.session.scalar(select(PlanVersion.status)) == PlanStatus.APPROVED

    public = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    tab = public.new_page()
    tab.goto(f"{live_server}/p/{world.process.id}/progress")
    content = tab.content()
    assert "Innovationslabor Oberhausen" in content and "Oberhausen ist innovativ" in content
    assert world.steering.name not in content  # nothing personal on the public page
    _screenshots(tab, "3-steering-public-progress")
    public.close()
    _screenshots(page, "3-steering")


def test_journey_4_plan_downloads_as_pdf_and_docx(page, live_server, world):
    import docx
    from pypdf import PdfReader

    from tracker.plan import versions as services

    goal = factories.goal(world.process, number=1, title="Oberhausen ist innovativ")
    factories.measure(world.process, world.hub_a, title="Gründerzentrum am Kanal", status=MeasureStatus.ADOPTED,
                      primary_goal=goal)
    version = services.freeze(world.process, "Entwurf Dezember 2019", by=world.steering)
    db.session.commit()

    log_in(page, live_server, world.steering.email, factories.PASSWORD)
    page.goto(f"{live_server}/plan/versions/{version.id}")
    with page.expect_download(timeout=60000) as pdf_download:
        page.locator(".plan-export[data-format=pdf]").first.click()
    pdf_text = "".join(p.extract_text() for p in PdfReader(pdf_download.value.path()).pages)
    assert "Gründerzentrum am Kanal" in pdf_text and "Oberhausen ist innovativ" in pdf_text

    page.goto(f"{live_server}/plan/versions/{version.id}")
    with page.expect_download(timeout=60000) as docx_download:
        page.locator(".plan-export[data-format=docx]").first.click()
    document = docx.Document(str(docx_download.value.path()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Gründerzentrum am Kanal" in text and "Oberhausen ist innovativ" in text
    assert docx_download.value.suggested_filename.endswith(".docx")
    _screenshots(page, "4-downloads")
