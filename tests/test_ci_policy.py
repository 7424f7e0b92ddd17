"""The session's own rules: on CI a skip fails the run (engine skips excepted); translations compile themselves."""

from __future__ import annotations

import pytest

from tests import ci_policy

CONFTEST = """
from tests.ci_policy import (pytest_configure, pytest_make_collect_report, pytest_runtest_makereport,
                             pytest_runtest_setup)
"""

SKIPPING_TESTS = """
import pytest

from tests.ci_policy import engine_skip


def test_passes():
    pass


def test_chromium_missing():
    pytest.skip("Chromium is not installed")


@pytest.mark.skipif(True, reason="no Redis on 127.0.0.1:6379")
def test_redis_missing():
    pass


@pytest.fixture
def browser():
    pytest.importorskip("a_module_that_does_not_exist")


def test_playwright_missing(browser):
    pass


@pytest.mark.postgres_only
def test_needs_postgresql():
    pass


def test_engine_specific():
    engine_skip("pg_dump only matters on PostgreSQL")


@pytest.mark.xfail(reason="a known bug")
def test_known_bug():
    assert False
"""


@pytest.fixture
def generated(pytester, monkeypatch):
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_generated=SKIPPING_TESTS)
    return pytester


def test_outside_ci_skips_stay_skips(generated, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    result = generated.runpytest("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(passed=1, skipped=5, xfailed=1)


def test_on_ci_a_skip_fails_the_run_unless_it_depends_on_the_engine(generated, monkeypatch):
    monkeypatch.setenv("CI", "true")
    result = generated.runpytest("-p", "no:cacheprovider", "-rA")
    # The engine skips (postgres_only on SQLite, an "engine:" reason) stay skips; the missing tools fail:
    # in the test body (failed) or in a fixture or a mark (setup: an error); an xfail is no skip.
    result.assert_outcomes(passed=1, skipped=2, failed=1, errors=2, xfailed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    for name in ("test_chromium_missing", "test_redis_missing", "test_playwright_missing"):
        assert name in output
    assert "skipped under CI=true, which fails the run: Chromium is not installed" in output
    assert "no Redis on 127.0.0.1:6379" in output
    assert "a_module_that_does_not_exist" in output


def test_on_ci_the_postgresql_run_does_not_skip_postgres_only_tests(generated, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://nobody@127.0.0.1/none")
    result = generated.runpytest("-p", "no:cacheprovider", "-k", "needs_postgresql")
    result.assert_outcomes(passed=1)


def test_on_ci_a_module_skipped_at_import_fails_the_run(pytester, monkeypatch):
    monkeypatch.setenv("CI", "true")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_module_skip="""
        import pytest

        charts = pytest.importorskip("a_renderer_that_is_not_installed")

        def test_render():
            pass
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    assert result.ret != pytest.ExitCode.OK
    assert "a_renderer_that_is_not_installed" in result.stdout.str()


def test_the_suite_itself_registers_the_hooks(pytestconfig):
    """The rules above are active in this very run (tests/conftest.py imports them)."""
    hooks = pytestconfig.pluginmanager.hook
    assert any(impl.function is ci_policy.pytest_runtest_makereport
               for impl in hooks.pytest_runtest_makereport.get_hookimpls())
    assert any(impl.function is ci_policy.pytest_make_collect_report
               for impl in hooks.pytest_make_collect_report.get_hookimpls())


# Translations --------------------------------------------------------------------------------------

def _catalogue_tree(tmp_path, po_text: str):
    po = tmp_path / "tracker" / "feature" / "translations" / "de" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(po_text, encoding="utf-8")
    return po


PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: de\\n"

msgid "Log in"
msgstr "Anmelden"
'''


def test_missing_translations_are_compiled_and_fresh_ones_left_alone(tmp_path):
    from babel.messages.mofile import read_mo

    po = _catalogue_tree(tmp_path, PO)
    assert ci_policy.compile_catalogues(tmp_path) == [po.with_suffix(".mo")]
    with po.with_suffix(".mo").open("rb") as handle:
        assert read_mo(handle).get("Log in").string == "Anmelden"
    assert ci_policy.compile_catalogues(tmp_path) == []  # up to date: nothing to do


def test_a_catalogue_newer_than_its_mo_file_is_compiled_again(tmp_path):
    import os

    po = _catalogue_tree(tmp_path, PO)
    ci_policy.compile_catalogues(tmp_path)
    mo = po.with_suffix(".mo")
    os.utime(mo, (po.stat().st_mtime - 60, po.stat().st_mtime - 60))
    assert ci_policy.compile_catalogues(tmp_path) == [mo]


def test_a_broken_catalogue_stops_the_session_with_its_name(tmp_path):
    _catalogue_tree(tmp_path, PO + "<<<<<<< HEAD (a merge left its conflict markers)\n")
    with pytest.raises(pytest.exit.Exception, match=r"Cannot compile the translations: tracker/feature/"):
        ci_policy.compile_catalogues(tmp_path)
    assert not list(tmp_path.rglob("*.mo")) and not list(tmp_path.rglob("*.tmp"))


def test_every_catalogue_of_the_project_is_compiled():
    """After the session start (pytest_sessionstart), no .mo file is missing or stale."""
    stale = [po for po in ci_policy.catalogues()
             if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
    assert ci_policy.catalogues() and stale == []
