"""Static files: small on the wire, fetched once, and never stale.

- Every `url_for("static", filename=...)` carries `?v=<hash of the file's content>` (a url_defaults
  hook), so a changed file gets a new URL.
- WhiteNoise serves the files in front of Flask: the precompressed `.br`/`.gz` copies that
  `make install` writes (`python -m whitenoise.compress static`) when the client accepts them, a
  compressed copy only while it is as new as its file. A request with the file's current `v` is
  answered "immutable, keep for a year"; any other request (no `v`, an old one) is revalidated.
- Flask-Compress compresses JSON answers on the fly (not HTML pages, which hold the CSRF token: BREACH).
"""

from __future__ import annotations

import hashlib
import os
from urllib.parse import parse_qs
from wsgiref.headers import Headers

from flask import Flask
from flask_compress import Compress
from whitenoise import WhiteNoise
from whitenoise.responders import StaticFile

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # keep a copy, ask (If-None-Match) before using it
VERSION_LENGTH = 12  # hex digits of the SHA-256: enough to tell versions of one file apart

# path -> (mtime_ns, size, version): a file is hashed once, and again only after it changed.
_versions: dict[str, tuple[int, int, str]] = {}


def version(path: str) -> str | None:
    """A short hash of the file's content; None if there is no such file."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    known = _versions.get(path)
    if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2]
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    value = digest.hexdigest()[:VERSION_LENGTH]
    _versions[path] = (stat.st_mtime_ns, stat.st_size, value)
    return value


def static_path(app: Flask, filename: str) -> str | None:
    """The file under the static folder a URL names; None for anything outside it."""
    root = os.path.realpath(app.static_folder)
    path = os.path.realpath(os.path.join(root, filename))
    return path if path.startswith(root + os.sep) else None


class StaticFiles(WhiteNoise):
    """WhiteNoise with the cache lifetime chosen per request (by `v`) and fresh compressed copies only."""

    def get_static_file(self, path, url, stat_cache=None):
        headers = Headers([])
        self.add_mime_headers(headers, path, url)
        headers["X-Content-Type-Options"] = "nosniff"
        static_file = StaticFile(path, headers.items(), stat_cache=stat_cache, encodings=self._fresh_copies(path))
        static_file.source = path
        return static_file

    @staticmethod
    def _fresh_copies(path: str) -> dict[str, str]:
        """The compressed copies written from this very file (the compressor gives them its mtime)."""
        mtime = os.stat(path).st_mtime
        copies = {}
        for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
            try:
                if os.stat(path + suffix).st_mtime == mtime:
                    copies[encoding] = path + suffix
            except OSError:
                continue
        return copies

    def serve(self, static_file, environ, start_response):
        requested = parse_qs(environ.get("QUERY_STRING", "")).get("v", [None])[0]
        current = version(getattr(static_file, "source", ""))
        cache_control = IMMUTABLE if requested is not None and requested == current else REVALIDATE

        def start(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != "cache-control"]
            return start_response(status, [*headers, ("Cache-Control", cache_control)], exc_info)

        return super().serve(static_file, environ, start)


def init_app(app: Flask) -> None:
    @app.url_defaults
    def _static_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            path = static_path(app, values["filename"])
            found = version(path) if path else None
            if found:
                values["v"] = found

    app.wsgi_app = StaticFiles(app.wsgi_app, root=app.static_folder, prefix=app.static_url_path,
                               autorefresh=app.debug, max_age=None, allow_all_origins=False)

    # JSON only: files come compressed from WhiteNoise, downloads are streamed as they are. HTML pages stay
    # uncompressed: they carry the CSRF token next to text a visitor can put in (a search), and compressing
    # both together lets an observer of the sizes guess the token (BREACH). API answers carry no secret.
    app.config.setdefault("COMPRESS_MIMETYPES", ["application/json", "application/problem+json"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)
