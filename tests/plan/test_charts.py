"""Chart images of a frozen version are rendered once and kept; without images the tables stand in."""

import io
import struct
import zlib

import pytest

from tests import factories
from tracker.charts import documents as charts
from tracker.charts.export import browser_path
from tracker.extensions import db
from tracker.plan import exports, versions
from tracker.plan.models import PlanVersionFile


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * 2 + b"\x00" + b"\x00\x00\xff" * 2)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PLAN_CHART_IMAGES": True}


@pytest.fixture
def renderer(monkeypatch):
    calls = []

    def render_images(figures, formats):
        calls.append(len(figures))
        return [{"png": tiny_png()} for _figure in figures]

    monkeypatch.setattr(charts, "render_images", render_images)
    return calls


def test_freezing_renders_the_charts_once_and_keeps_them(client, login, world, plan, renderer):
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    names = set(db.session.scalars(db.select(PlanVersionFile.name)
                                   .where(PlanVersionFile.plan_version_id == version.id)))
    drawn = [key for key in charts.DOCUMENT_CHARTS if key != "milestones"]  # the plan world has no milestones
    assert names == {f"chart-{key}.png" for key in drawn}
    assert renderer == [len(drawn)]
    login(world.steering)
    page = client.get(f"/plan/versions/{version.id}").get_data(as_text=True)
    assert 'data-figure="plan-figure-funnel"' in page  # the page draws it; documents use the kept image
    image = client.get(f"/plan/versions/{version.id}/charts/funnel.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    client.get(f"/plan/versions/{version.id}?format=md")
    assert renderer == [len(drawn)]  # exports of the version reuse the kept images


def test_a_large_plans_charts_are_drawn_by_the_job_queue_after_the_freeze_commits(app, world, plan, renderer):
    from tracker.plan import jobs

    app.config["PLAN_SYNC_EXPORT_LIMIT"] = 0  # every plan counts as large
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    jobs.wait()
    assert renderer == [] and versions.chart_images(version) == {}  # not in the request, not before the commit
    db.session.commit()
    jobs.wait()
    drawn = [key for key in charts.DOCUMENT_CHARTS if key != "milestones"]  # the plan world has no milestones
    assert renderer == [len(drawn)]
    assert set(versions.chart_images(version)) == set(drawn)


def test_without_a_browser_documents_show_the_table_with_a_note_and_pages_draw_the_chart(
        client, login, world, plan, monkeypatch):
    monkeypatch.setattr(charts, "render_images", lambda figures, formats: [None] * len(figures))  # as without Chromium
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    assert versions.chart_images(version) == {}
    document = exports.export_version(version, "html").decode()
    assert "Das Diagramm wird als Tabelle gezeigt" in document and "Von der Idee zum Beschluss" in document
    login(world.steering)
    for url in (f"/plan/versions/{version.id}", f"/processes/{world.process.id}/plan",
                f"/processes/{world.process.id}/interim-report"):
        page = client.get(url).get_data(as_text=True)
        assert "Das Diagramm wird als Tabelle gezeigt" not in page, url
        assert 'data-figure="plan-figure-funnel"' in page and "plotly-basic.min.js" in page, url


def test_with_images_switched_off_no_browser_is_started(app, world, plan, monkeypatch):
    app.config["PLAN_CHART_IMAGES"] = False
    monkeypatch.setattr(charts, "render_images", lambda figures, formats: pytest.fail("no browser wanted"))
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    assert versions.chart_images(version) == {}


def test_an_error_in_the_chart_code_surfaces_instead_of_missing_charts(world, plan, monkeypatch):
    def broken(figures, formats):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(charts, "render_images", broken)
    with pytest.raises(RuntimeError, match="a bug of ours"):
        versions.freeze(world.process, "Entwurf", by=world.steering)


@pytest.mark.slow
def test_kept_chart_images_go_into_pdf_and_docx(world, plan, renderer):
    from docx import Document
    from pypdf import PdfReader

    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    document = Document(io.BytesIO(exports.export_version(version, "docx")))
    assert len(document.inline_shapes) == len(versions.chart_images(version))
    pdf = PdfReader(io.BytesIO(exports.export_version(version, "pdf")))
    assert sum(len(page.images) for page in pdf.pages) >= len(charts.DOCUMENT_CHARTS) - 1  # no milestones here
    assert len(renderer) == 1


@pytest.mark.slow
def test_real_chart_images_from_the_charts_renderer(world, plan):
    """With Chromium present, a frozen version keeps real PNGs from the charts feature's renderer."""
    if browser_path() is None:
        pytest.skip("no browser")
    version = versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    images = versions.chart_images(version)
    assert set(images) == set(charts.DOCUMENT_CHARTS) - {"milestones"}
    assert all(data.startswith(b"\x89PNG") for data in images.values())


def test_the_live_draft_reuses_a_versions_images_while_the_chart_data_are_the_same(world, plan, renderer):
    versions.freeze(world.process, "Entwurf", by=world.steering)
    db.session.commit()
    exports.export_draft(world.process, "html")
    assert len(renderer) == 1  # rendered once, at freezing
    plan.open_idea.title = "Coworking am Bahnhof"  # not in any chart
    db.session.commit()
    exports.export_draft(world.process, "html")
    assert len(renderer) == 1
    factories.measure(world.process, world.hub_b, title="Neue Idee")  # the funnel and status chart change
    db.session.commit()
    exports.export_draft(world.process, "html")
    assert len(renderer) == 2
