"""Static files are fetched once and small on the wire; pages stay uncached and compressed (issue 19, item 4)."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import brotli
import pytest
from flask import url_for
from whitenoise.compress import Compressor

from tracker import assets

STATIC = Path(__file__).resolve().parent.parent / "static"
PLOTLY = "vendor/plotly/plotly-basic.min.js"


@pytest.fixture(scope="module", autouse=True)
def compressed_static_files():
    """The compressed copies `make install` writes (python -m whitenoise.compress static), made if missing."""
    source = STATIC / PLOTLY
    for suffix, use_brotli in ((".gz", False), (".br", True)):
        copy = Path(f"{source}{suffix}")
        if not copy.exists() or copy.stat().st_mtime != source.stat().st_mtime:
            compressor = Compressor(use_gzip=not use_brotli, use_brotli=use_brotli, quiet=True)
            compressor.compress(str(source))


@pytest.fixture
def app_config(app_config) -> dict:
    """An app of its own for each test here: WhiteNoise lists the static files (and their compressed copies,
    which the fixture above may just have made) when the app is built."""
    return {**app_config, "TEST_OWN_APP": True}


def _versioned_url(app, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


def test_static_urls_carry_the_hash_of_the_files_content(app, client):
    url = _versioned_url(app, PLOTLY)
    assert re.fullmatch(r"/static/vendor/plotly/plotly-basic\.min\.js\?v=[0-9a-f]{12}", url)
    assert url.endswith(assets.version(str(STATIC / PLOTLY)))
    page = client.get("/login").get_data(as_text=True)
    assert _versioned_url(app, "css/app.css") in page


def test_the_hash_changes_when_the_file_changes(app, tmp_path):
    (tmp_path / "site.css").write_text("body { color: black; }")
    app.static_folder = str(tmp_path)
    before = _versioned_url(app, "site.css")
    (tmp_path / "site.css").write_text("body { color: darkblue; }")
    after = _versioned_url(app, "site.css")
    assert before.startswith("/static/site.css?v=") and after.startswith("/static/site.css?v=")
    assert before != after
    # Files outside the static folder are neither hashed nor served.
    assert _versioned_url(app, "../tests/test_assets.py") == "/static/../tests/test_assets.py"


def test_the_chart_library_is_kept_a_year_and_sent_compressed(app, client):
    url = _versioned_url(app, PLOTLY)
    original = (STATIC / PLOTLY).read_bytes()

    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert first.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first.headers["Vary"]
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert int(first.headers["Content-Length"]) < len(original) / 2
    assert gzip.decompress(first.get_data()) == original
    first.close()

    second = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert second.status_code == 304
    assert second.headers["Cache-Control"] == "public, max-age=31536000, immutable"

    with_brotli = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert with_brotli.headers["Content-Encoding"] == "br"
    assert brotli.decompress(with_brotli.get_data()) == original
    with_brotli.close()

    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data() == original
    plain.close()


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_a_static_file_without_its_current_hash_is_revalidated(client, query):
    response = client.get(f"/static/{PLOTLY}{query}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    response.close()


def test_a_stale_compressed_copy_is_not_served(app, tmp_path):
    (tmp_path / "app.js").write_text("console.log('new');" * 100)
    (tmp_path / "app.js.gz").write_bytes(gzip.compress(b"console.log('old');" * 100))
    os.utime(tmp_path / "app.js.gz", (1, 1))
    served = assets.StaticFiles(app.wsgi_app, root=str(tmp_path), prefix="/files/")
    client = app.test_client()
    client.application.wsgi_app, original = served, app.wsgi_app
    try:
        response = client.get("/files/app.js", headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in response.headers
        assert response.get_data(as_text=True).startswith("console.log('new');")
        response.close()
    finally:
        app.wsgi_app = original


def test_pages_holding_a_csrf_token_are_not_compressed_and_not_stored(client, world, login):
    """Compressing a page that holds the CSRF token next to reflected input would let the token be guessed
    from the response sizes (BREACH): pages go out uncompressed."""
    login(world.company_a)
    response = client.get(f"/measures/{world.measure_a.id}?q=csrf_token", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert world.measure_a.title in response.get_data(as_text=True)


def test_json_answers_are_compressed(client):
    response = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert b'"openapi"' in brotli.decompress(response.get_data())
