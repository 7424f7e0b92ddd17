"""Error pages in the app's style; JSON errors for the API."""

from __future__ import annotations

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from tracker.extensions import db

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in to see this page."),
    403: _l("You do not have permission to do this."),
    404: _l("This page does not exist."),
    405: _l("This action is not possible here."),
    409: _l("Someone else changed this in the meantime."),
    413: _l("The upload is too large."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. The error has been logged."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = error.code or 500
        if wants_json():
            return jsonify(error={"code": error.name.lower().replace(" ", "_"), "message": error.description,
                                  "fields": {}}), code
        if code == 401:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        message = MESSAGES.get(code, error.description)
        return render_template("errors/error.html", code=code, title=error.name, message=message), code

    @app.errorhandler(Exception)
    def _server_error(error: Exception):
        if isinstance(error, HTTPException):  # pragma: no cover - handled above
            return _http_error(error)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        if wants_json():
            return jsonify(error={"code": "server_error", "message": str(MESSAGES[500]), "fields": {}}), 500
        return render_template("errors/error.html", code=500, title=_l("Server error"), message=MESSAGES[500]), 500
