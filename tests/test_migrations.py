"""Migrations build the same schema as the models, on an empty SQLite and PostgreSQL database."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from tracker import create_app
from tracker.config import normalise_database_url
from tracker.extensions import db
from tracker.schema_check import head_revisions


def _fresh_app(url):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "SCHEMA_CHECK": False, "TESTING": True})


def _assert_upgrade_matches_models(url):
    app = _fresh_app(url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ, run `make schema`: {diff}"
        db.engine.dispose()


def test_migrations_upgrade_an_empty_sqlite_database(tmp_path):
    _assert_upgrade_matches_models(f"sqlite:///{tmp_path / 'fresh.sqlite'}")


@pytest.mark.postgres_only
def test_migrations_upgrade_an_empty_postgresql_database():
    base = normalise_database_url(os.environ["TEST_DATABASE_URL"])
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _assert_upgrade_matches_models(base.rsplit("/", 1)[0] + "/" + name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_app_says_clearly_when_the_schema_is_behind(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}", "SECRET_KEY": "x",
                      "TESTING": True})
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert "flask --app wsgi db upgrade" in response.get_data(as_text=True)
    with app.app_context():
        upgrade()
        assert app.test_client().get("/").status_code == 200
        db.engine.dispose()


def test_there_is_one_head():
    assert len(head_revisions()) == 1
