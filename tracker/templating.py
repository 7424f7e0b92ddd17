"""Jinja filters and globals shared by all templates."""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale
from flask_login import current_user

from tracker import permissions
from tracker.i18n import percent
from tracker.labels import label
from tracker.markdown import render_markdown
from tracker.messages import render as render_message
from tracker.processes.queries import chosen_process, roles_by_process


def _hours(value: float | None) -> str:
    return format_decimal(round(value or 0, 1), format="#,##0.#")


def _my_processes() -> list:
    """The processes the current user holds a role in, once per request (the switcher and the nav both ask)."""
    if "my_processes" not in g:
        g.my_processes = roles_by_process(current_user) if current_user.is_authenticated else []
    return g.my_processes


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown,
        label=label,
        date=lambda value, fmt="medium": format_date(value, fmt) if value else "",
        # Event times are local wall-clock times already: shown as they are.
        datetime=lambda value, fmt="medium": format_datetime(value, fmt, rebase=False) if value else "",
        # Stored UTC timestamps (created_at, audit): shown in the installation's time zone.
        timestamp=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        time=lambda value, fmt="short": format_time(value, fmt, rebase=False) if value else "",
        number=lambda value: format_decimal(value or 0),
        hours=_hours,
        percent=percent,
        # A stored system message in the reader's language: {{ step.reason_message|message(step.reason) }}
        message=render_message,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals():
        return {
            "perm": permissions,
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
            "request_path": request.path,
            # Called only by pages that have no process of their own: the one picked with the switcher.
            "nav_process": lambda: chosen_process(current_user, session.get("process_id"), _my_processes())
            if current_user.is_authenticated else None,
            # The switcher's choices: the processes the user holds a role in.
            "nav_processes": _my_processes,
        }
