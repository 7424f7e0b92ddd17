"""The plan names an organisation only when it agreed to be named (issue 16, finding 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests import factories
from tests.plan.helpers import docx_paragraphs, pdf_pages
from tracker.extensions import db
from tracker.organizations.models import OrganizationType
from tracker.plan import generator, versions

pytestmark = pytest.mark.slow  # PDF and DOCX

SILENT = ("Beta GmbH", "Stadtwerke Oberhausen")
PLAN_FORMATS = ("md", "csv", "html", "pdf", "docx")
PUBLIC_FORMATS = ("pdf", "md", "docx", "html")


def _text(url: str, data: bytes) -> str:
    if "format=pdf" in url:
        return "\n".join(pdf_pages(data))
    if "format=docx" in url:
        document, paragraphs = docx_paragraphs(data)
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p for _style, p in paragraphs] + cells)
    return data.decode("utf-8")


def _stored(version) -> tuple:
    return tuple(db.session.execute(text("SELECT content, content_hash FROM plan_version WHERE id = :id"),
                                    {"id": version.id}).one())


@pytest.fixture
def silent_partners(world, plan):
    """A logistics company responsible for the focus project and leading hub B, and a city utility that is a
    steering partner, leads hub A and is responsible for a measure; both agreed to be named at first."""
    company = plan.silent
    company.sector = "Logistik"
    utility = factories.organization(name="Stadtwerke Oberhausen", type=OrganizationType.ADMINISTRATION)
    world.process.partners = [world.partner, utility]
    world.hub_a.lead_organizations = [utility]
    world.hub_b.lead_organizations = [company]
    plan.focus.responsible_organizations = [world.partner, company]
    plan.in_progress.responsible_organizations = [utility]
    company.consents_to_be_named = utility.consents_to_be_named = True
    db.session.commit()
    return company, utility


def test_plan_names_only_consenting_organisations(client, login, bearer, world, plan, silent_partners):
    """Issue 16, finding 14: the plan named organisations that did not consent, as responsible or partner
    organisations; without consent they are described, in drafts and versions frozen from now on."""
    company, utility = silent_partners
    before = versions.freeze(world.process, "Fassung vor dem Widerruf", by=world.steering)
    db.session.commit()
    kept = _stored(before)
    company.consents_to_be_named = utility.consents_to_be_named = False
    db.session.commit()
    after = versions.freeze(world.process, "Fassung 2", by=world.steering)
    versions.submit(after, by=world.steering)
    factories.approve_plan_version(after)
    db.session.commit()

    process_id = world.process.id
    urls = [f"/processes/{process_id}/plan", f"/processes/{process_id}/interim-report", f"/plan/versions/{after.id}",
            f"/p/{process_id}/plan"]
    urls += [f"/processes/{process_id}/plan?format={fmt}" for fmt in PLAN_FORMATS]
    urls += [f"/processes/{process_id}/interim-report?format={fmt}" for fmt in PLAN_FORMATS]
    urls += [f"/plan/versions/{after.id}?format={fmt}" for fmt in PLAN_FORMATS]
    urls += [f"/p/{process_id}/plan?format={fmt}" for fmt in PUBLIC_FORMATS]
    login(world.steering)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        document = _text(url, response.get_data())
        assert not [name for name in SILENT if name in document], url
        if "interim" not in url and "format=csv" not in url:
            assert "ein Unternehmen der Branche Logistik" in document, url
    headers = bearer(world.steering)
    for url in (f"/api/v1/processes/{process_id}/plan/draft?format=json", f"/api/v1/plan/versions/{after.id}"):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200 and not [n for n in SILENT if n in answer.get_data(as_text=True)], url

    draft = generator.build(world.process)
    assert draft["process"]["partners"] == ["eine öffentliche Verwaltung", "Wirtschaftsförderung"]  # by name
    assert [h["leads"] for h in draft["process"]["hubs"]] == [["eine öffentliche Verwaltung"],
                                                               ["ein Unternehmen der Branche Logistik"]]
    focus = generator.all_measures(draft)[plan.focus.id]
    assert focus["responsible"] == ["ein Unternehmen der Branche Logistik", "Wirtschaftsförderung"]
    assert draft["focus_projects"][0]["responsible"] == focus["responsible"]
    assert draft["organizations"] == ["Alpha GmbH", "Wirtschaftsförderung"]

    # A version frozen before keeps what it says.
    db.session.expire_all()
    assert _stored(before) == kept
    old = client.get(f"/plan/versions/{before.id}?format=md").get_data(as_text=True)
    assert "Beta GmbH" in old and "Stadtwerke Oberhausen" in old


def test_organisations_without_consent_are_described_in_the_plans_language(app, world, plan, silent_partners,
                                                                           monkeypatch):
    company, utility = silent_partners
    company.consents_to_be_named = utility.consents_to_be_named = False
    unknown_sector = factories.organization(name="Ohne Branche GmbH", sector=None)
    plan.in_progress.responsible_organizations = [utility, unknown_sector]
    db.session.commit()
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    doc = generator.build(world.process)
    assert generator.all_measures(doc)[plan.focus.id]["responsible"] == ["a company in the Logistik sector",
                                                                          "Wirtschaftsförderung"]
    assert generator.all_measures(doc)[plan.in_progress.id]["responsible"] == ["a company",
                                                                               "a public administration"]
