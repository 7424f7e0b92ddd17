"""Tell the user plainly when the database schema is older than the code."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask, render_template
from sqlalchemy import inspect, text

from tracker.extensions import db

MIGRATIONS = Path(__file__).parent.parent / "migrations"


def head_revisions() -> set[str]:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(config).get_heads())


def database_revisions() -> set[str]:
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}


def schema_is_current() -> bool:
    return database_revisions() == head_revisions()


def init_app(app: Flask) -> None:
    """Checked once per worker, on its first request, not at import time."""
    if not app.config.get("SCHEMA_CHECK", True):
        return
    state = {"current": False}

    @app.before_request
    def _check_schema():
        if state["current"]:
            return None
        if schema_is_current():
            state["current"] = True
            return None
        app.logger.error("Database schema is behind the code: run 'flask --app wsgi db upgrade'.")
        return render_template("errors/schema.html"), 503
