"""Exports read back: Markdown and CSV always; PDF (pypdf) and DOCX (python-docx) as slow tests."""

import csv
import io
import re
from collections import Counter

import pytest
from markdown_it import MarkdownIt

from tests import factories
from tests.plan.helpers import docx_paragraphs, markdown_sections, pdf_pages, pdf_toc
from tracker.extensions import db
from tracker.measures.models import PLAN_STATUSES, Measure
from tracker.plan import exports, versions
from tracker.plan.models import PlanVersionFile


def _plan_measures(world):
    return [m for m in db.session.scalars(db.select(Measure).where(Measure.process_id == world.process.id))
            if m.status in PLAN_STATUSES]


def _all_measures(world):
    return list(db.session.scalars(db.select(Measure).where(Measure.process_id == world.process.id)))


def _approved(world):
    version = versions.freeze(world.process, "Masterplan 2019", by=world.steering)
    versions.submit(version, by=world.steering)
    factories.approve_plan_version(version)
    db.session.commit()
    return version


def test_markdown_has_a_chapter_per_goal_with_each_measure_once_under_its_primary_goal(client, login, world, plan):
    login(world.steering)
    response = client.get(f"/processes/{world.process.id}/plan?format=md")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    sections = markdown_sections(text)
    for goal in world.process.goals:
        assert f"Leitziel {goal.number}: {goal.title}" in sections
    for measure in _plan_measures(world):
        headings = [(name, body) for name, body in sections.items() if re.search(
            rf"^#### \d+\.\d+ {re.escape(measure.title)}( —|$)", body, re.M)]
        assert len(headings) == 1, measure.title
        assert headings[0][0] == f"Leitziel {measure.primary_goal.number}: {measure.primary_goal.title}"
        assert len(re.findall(rf"^#### \d+\.\d+ {re.escape(measure.title)}", text, re.M)) == 1
    assert "#### 1.1 Gründerzentrum am Kanal — Fokusprojekt" in text
    assert text.startswith("**ENTWURF**")


def test_markdown_annex_lists_every_idea_once_with_its_fate(client, login, world, plan):
    login(world.steering)
    text = client.get(f"/processes/{world.process.id}/plan?format=md").get_data(as_text=True)
    annex = "".join(body for name, body in markdown_sections(text).items() if name.startswith("Anhang"))
    rows = re.findall(r"^\| #(\d+) \| (.+?) \| (.+?) \|$", annex, re.M)
    assert Counter(int(r[0]) for r in rows) == Counter(m.id for m in _all_measures(world))
    fates = {int(r[0]): r[2] for r in rows}
    assert fates[plan.merged.id] == "zusammengeführt mit 1.1 „Gründerzentrum am Kanal“"
    assert fates[plan.rejected.id] == "abgelehnt, weil: zu teuer für den Nutzen"
    assert fates[plan.open_idea.id] == "noch offen (Idee)"
    assert fates[plan.focus.id] == "übernommen als Maßnahme 1.1 unter Leitziel 1 „Oberhausen ist innovativ“"


def test_markdown_of_an_approved_version_has_no_draft_mark_and_is_stable(client, login, world, plan):
    version = _approved(world)
    login(world.steering)
    first = client.get(f"/plan/versions/{version.id}?format=md").get_data(as_text=True)
    second = client.get(f"/plan/versions/{version.id}?format=md").get_data(as_text=True)
    assert first == second and "ENTWURF" not in first
    assert "Masterplan 2019" in first


def test_csv_lists_each_plan_measure_once(client, login, world, plan):
    login(world.moderator_a)
    response = client.get(f"/processes/{world.process.id}/plan?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert sorted(int(r["ID"]) for r in rows) == sorted(m.id for m in _plan_measures(world))
    focus = next(r for r in rows if int(r["ID"]) == plan.focus.id)
    assert focus["Fokusprojekt"] == "ja" and focus["Leitziel"] == "1" and focus["Nr."] == "1.1"


def test_unknown_format_is_not_found(client, login, world, plan):
    login(world.steering)
    assert client.get(f"/processes/{world.process.id}/plan?format=exe").status_code == 404


def test_printable_html_is_a_standalone_page(client, login, world, plan):
    login(world.steering)
    response = client.get(f"/processes/{world.process.id}/plan?format=html")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "plan-print.css" in text and "<script" not in text
    assert "Leitziel 1: Oberhausen ist innovativ" in text


# --- PDF and DOCX ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_draft_pdf_has_entwurf_on_every_page_and_a_toc_with_right_page_numbers(client, login, world, plan):
    login(world.steering)
    response = client.get(f"/processes/{world.process.id}/plan?format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    assert len(pages) > 5
    assert all("ENTWURF" in page for page in pages)
    toc = pdf_toc(pages)
    titles = [title for title, _page in toc]
    for goal in world.process.goals:
        assert f"Leitziel {goal.number}: {goal.title}" in titles
    assert "Anhang: Hub A" in titles and "Beteiligte Organisationen" in titles
    for title, number in toc:
        page_lines = [line.strip() for line in pages[number - 1].splitlines()]
        assert title in page_lines, (title, number)
        # It starts there: the heading is not on the page before.
        assert title not in [line.strip() for line in pages[number - 2].splitlines()[1:-2]]


@pytest.mark.slow
def test_approved_pdf_has_no_draft_mark_and_two_exports_are_identical(client, login, world, plan):
    version = _approved(world)
    login(world.steering)
    first = client.get(f"/plan/versions/{version.id}?format=pdf").data
    # Rendered once and kept with the version; rendered afresh, the text is still the same.
    kept = db.session.scalar(db.select(PlanVersionFile).where(PlanVersionFile.name == "export-approved.pdf"))
    assert kept is not None
    fresh = exports.render_document(version.content, "pdf", marked=False, images=versions.chart_images(version))
    assert pdf_pages(first) == pdf_pages(fresh)
    assert not any("ENTWURF" in page for page in pdf_pages(first))
    text = "\n".join(pdf_pages(first))
    assert "Fokusprojekt" in text and "zusammengeführt mit 1.1" in text


@pytest.mark.slow
def test_pdf_of_a_version_under_review_is_marked_and_the_mark_follows_the_status(client, login, world, plan):
    world.process.approvals_needed = 1
    version = versions.freeze(world.process, "Entwurf Dezember 2019", by=world.steering)
    versions.submit(version, by=world.steering)
    db.session.commit()
    login(world.admin)
    marked = pdf_pages(client.get(f"/plan/versions/{version.id}?format=pdf").data)
    assert all("ENTWURF" in page for page in marked)
    client.post(f"/plan/versions/{version.id}/approve")
    clean = pdf_pages(client.get(f"/plan/versions/{version.id}?format=pdf").data)
    assert not any("ENTWURF" in page for page in clean)


@pytest.mark.slow
def test_docx_has_real_headings_tables_and_the_draft_mark_in_the_header(client, login, world, plan):
    login(world.steering)
    response = client.get(f"/processes/{world.process.id}/plan?format=docx")
    assert response.status_code == 200
    document, paragraphs = docx_paragraphs(response.data)
    level_1 = [text for style, text in paragraphs if style == "Heading 1"]
    for goal in world.process.goals:
        assert level_1.count(f"Leitziel {goal.number}: {goal.title}") == 1
    chapter = None
    seen = Counter()
    for style, text in paragraphs:
        if style == "Heading 1":
            chapter = text
        elif style == "Heading 3" and re.match(r"^\d+\.\d+ ", text):
            seen[(chapter, text)] += 1
    for measure in _plan_measures(world):
        placed = [(c, t) for (c, t) in seen if re.match(rf"^\d+\.\d+ {re.escape(measure.title)}( —|$)", t)]
        assert len(placed) == 1 and seen[placed[0]] == 1
        assert placed[0][0].startswith(f"Leitziel {measure.primary_goal.number}:")
    assert "1.1 Gründerzentrum am Kanal — Fokusprojekt" in [t for s, t in paragraphs if s == "Heading 3"]
    assert "ENTWURF" in document.sections[0].header.paragraphs[0].text
    assert len(document.tables) > 5
    annex_cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "zusammengeführt mit 1.1 „Gründerzentrum am Kanal“" in annex_cells


@pytest.mark.slow
def test_docx_of_an_approved_version_is_unmarked_and_stable(client, login, world, plan):
    version = _approved(world)
    login(world.steering)
    first, first_paragraphs = docx_paragraphs(client.get(f"/plan/versions/{version.id}?format=docx").data)
    _second, second_paragraphs = docx_paragraphs(
        exports.render_document(version.content, "docx", marked=False, images=versions.chart_images(version)))
    assert first_paragraphs == second_paragraphs
    assert "ENTWURF" not in first.sections[0].header.paragraphs[0].text
    assert not any("ENTWURF" in text for _style, text in first_paragraphs)


def test_markdown_exports_carry_no_raw_html_or_script_links(client, login, world, plan):
    """Issue 16, finding 18: the Markdown exports (the public plan's too) passed raw HTML and javascript:
    links from what users typed straight through."""
    plan.focus.description = ('Siehe [Details](javascript:alert(document.cookie)) <script>alert(1)</script> und '
                              '[Stadt](https://example.org)')
    world.process.foreword = '<img src=x onerror=alert(1)> **Gemeinsam**'
    db.session.commit()
    version = _approved(world)
    login(world.steering)
    for url in (f"/processes/{world.process.id}/plan?format=md", f"/plan/versions/{version.id}?format=md",
                f"/p/{world.process.id}/plan?format=md"):
        text = client.get(url).get_data(as_text=True)
        html = MarkdownIt("commonmark", {"html": True}).render(text)  # as a wiki that trusts raw HTML shows it
        assert "<script" not in html and "<img" not in html and 'href="javascript' not in html, url
        assert "[Stadt](https://example.org)" in text and "**Gemeinsam**" in text and "[Details](#)" in text


HOSTILE_NAME = "[Klick hier](http://evil.example) <img src=x onerror=alert(1)> # H"


def test_plain_text_in_the_markdown_exports_shows_as_typed(client, login, world, plan):
    """Probe 9: an organisation named `[Klick hier](http://evil.example) <img …> # H` became a live link in the
    plan's Markdown; names, titles and labels are plain text there, while the Markdown fields keep formatting."""
    world.org_a.name = HOSTILE_NAME
    plan.focus.title = "# Überschrift *fett* [Link](http://evil.example)"
    plan.goal_2.title = "1. Ziel <b>laut</b>"
    world.hub_a.name = "- Hub _A_"
    world.partner.name = "# Partner AG"
    plan.rejected.transitions[-1].reason = "![Bild](http://evil.example/x.png)"
    plan.focus.description = "**Gemeinsam** mit [Stadt](https://example.org)"
    db.session.commit()
    version = _approved(world)
    login(world.steering)
    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")  # as a wiki that trusts raw HTML shows it
    for url in (f"/processes/{world.process.id}/plan?format=md", f"/p/{world.process.id}/plan?format=md",
                f"/plan/versions/{version.id}?format=md"):
        html = renderer.render(client.get(url).get_data(as_text=True))
        assert "evil.example" in html and 'href="http://evil.example' not in html and "<img" not in html, url
        assert "<b>" not in html and "<h1>H" not in html and "<h4># Überschrift" not in html, url
        assert "<li>[Klick hier](http://evil.example) &lt;img src=x onerror=alert(1)&gt; # H</li>" in html, url
        assert "<h4>1.1 # Überschrift *fett* [Link](http://evil.example) — Fokusprojekt</h4>" in html, url
        assert "<h2>Leitziel 2: 1. Ziel &lt;b&gt;laut&lt;/b&gt;</h2>" in html, url
        assert "- Hub _A_" in html and "<em>A</em>" not in html, url
        assert "<li># Partner AG</li>" in html and "<h1>Partner" not in html, url
        assert "<strong>Gemeinsam</strong> mit <a href=\"https://example.org\">Stadt</a>" in html, url
