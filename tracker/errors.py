"""One family of refusals for the whole app, and how pages and the API answer them.

Services raise these; the web views and the API translate them by their status, so a rule
says once what went wrong and every adapter answers it the same way:

- NotAllowed  → 403: the acting user lacks the right on this object (or on one named in the input);
- NotFound    → 404: the object of the route does not exist;
- Conflict    → 409: the step does not fit the object's state (IllegalTransition), or someone saved
  in between (StaleVersion, which carries what they saved);
- Invalid     → 400: the input is wrong; `field` names the form or JSON field it belongs to.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException, SecurityError

from tracker.extensions import db


class AppError(Exception):
    """A request the rules refuse; `fields` maps input fields to what is wrong with them."""

    status = 400
    code = "invalid"

    def __init__(self, message: str = "", field: str | None = None, fields: dict[str, str] | None = None, *,
                 code: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        if code is not None:
            self.code = code
        self.field = field
        self.fields = dict(fields or {})
        if field and field not in self.fields:
            self.fields[field] = self.message

    def __str__(self) -> str:
        return self.message


class Invalid(AppError):
    status = 400
    code = "validation_error"


class NotAllowed(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class Conflict(AppError):
    status = 409
    code = "conflict"


class IllegalTransition(Conflict):
    """The workflow has no such step from the current state; the message names the possible ones."""

    code = "illegal_transition"


class StaleVersion(Conflict):
    """Someone saved in between; `current` is what they saved (the object or its text)."""

    code = "stale_version"

    def __init__(self, current: Any = None, message: str = "", version: int | None = None):
        super().__init__(message or "stale version", "version" if version is not None else None,
                         {"version": f"current is {version}"} if version is not None else None)
        self.current = current
        self.version = version


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


def error_json(status: int, code: str, message: str, fields: dict | None = None):
    return jsonify(error={"code": code, "message": message, "fields": fields or {}}), status


def init_app(app: Flask) -> None:
    @app.errorhandler(AppError)
    def _refused(error: AppError):
        """A refusal no view handled itself: nothing of the request is kept."""
        db.session.rollback()
        if wants_json():
            return error_json(error.status, error.code, error.message, error.fields)
        if error.status in (401, 403) and not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return render_template("errors/error.html", code=error.status, title=MESSAGES.get(error.status, ""),
                               message=error.message or MESSAGES.get(error.status, "")), error.status

    @app.errorhandler(SecurityError)
    def _untrusted_host(error: SecurityError):
        """A Host the app does not answer for: no page (it would build links for that host)."""
        return Response(MESSAGES[400], status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = error.code or 500
        if wants_json():
            return error_json(code, error.name.lower().replace(" ", "_"), error.description)
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
            return error_json(500, "server_error", str(MESSAGES[500]))
        return render_template("errors/error.html", code=500, title=_l("Server error"), message=MESSAGES[500]), 500
