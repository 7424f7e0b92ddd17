"""Response headers and login plumbing that every page shares."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.accounts import logins
from tracker.extensions import login_manager
from tracker.urls import trusted_hosts

# Scripts only from our own files (no inline script, no eval). Styles may be set inline: plotly.js
# styles its SVG elements through style attributes; CSS cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


HSTS_SECONDS = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    # Requests for any other Host are answered with 400, so no Host header reaches a link or a log.
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app)
    # The remember-me cookie is as protected as the session cookie.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            # Pages and API answers may carry personal data: no browser or proxy keeps a copy.
            response.headers["Cache-Control"] = "no-store"
        return response

    login_manager.user_loader(logins.user_for)
