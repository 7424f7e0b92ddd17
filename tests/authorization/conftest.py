"""One app and one stage for the whole matrix: built once, the stage restored before each request."""

from __future__ import annotations

import pytest

from tests.authorization.stage import PNG, Stage, build, restore, sqlite_path
from tests.ci_policy import engine_skip
from tests.conftest import base_config, running_app


@pytest.fixture(scope="module")
def matrix_app(test_database_url):
    """The app for every row (building one per row would cost more than all the requests together)."""
    with pytest.MonkeyPatch.context() as patch, running_app(base_config(test_database_url)) as app:
        from tracker.charts import documents  # stand-ins: no browser needed to freeze a version

        patch.setattr(documents, "render", lambda chart_list, language: {c["key"]: PNG for c in chart_list})
        yield app


@pytest.fixture(scope="module")
def built_stage(matrix_app, tmp_path_factory) -> Stage:
    if sqlite_path(matrix_app.config["SQLALCHEMY_DATABASE_URI"]) is None:
        engine_skip("the authorization matrix restores SQLite copies of its stage; it runs on the SQLite run")
    return build(matrix_app, tmp_path_factory.mktemp("authorization") / "stage.sqlite")


@pytest.fixture
def stage(built_stage) -> Stage:
    restore(built_stage)
    return built_stage
