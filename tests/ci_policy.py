"""What the test session itself guarantees: no test passes CI by skipping, and the translations are compiled.

tests/conftest.py imports the hooks below, so they apply to every test run (and tests/test_ci_policy.py
runs them on small generated test files).

Skips. Under `CI=true` a skipped test fails the run: the project installs Chromium, Playwright, kaleido,
Redis, PostgreSQL and pg_dump (`make install`), so a test that skips there hides a broken set-up. The
only skips allowed on CI are those that depend on the database engine of the run (the suite runs once
on SQLite and once on PostgreSQL): a test marked `postgres_only` on the SQLite run, or a skip whose
reason starts with ENGINE_SKIP (use `engine_skip(...)`). Every other skip — `pytest.skip`,
`@pytest.mark.skip(if)`, `pytest.importorskip`, in a test, a fixture or at module level — counts as a
failure there. Outside CI skips stay skips.

Translations. Babel's .mo files are build output (not in git). The session compiles every
tracker/**/translations/<locale>/LC_MESSAGES/messages.po whose .mo is missing or older, in-process, so
a fresh checkout passes; when that is impossible it stops at once and says why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE_SKIP = "engine:"  # the agreed prefix of a skip reason that only names the run's database engine
POSTGRES_ONLY = "postgres_only"


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def runs_on_postgresql() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith(("postgresql", "postgres:"))


def engine_skip(reason: str) -> None:
    """Skip because of the run's database engine: the one kind of skip CI accepts."""
    pytest.skip(f"{ENGINE_SKIP} {reason}")


def _reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "")


def skip_is_allowed_on_ci(reason: str, markers: set[str]) -> bool:
    return reason.startswith(ENGINE_SKIP) or (POSTGRES_ONLY in markers and not runs_on_postgresql())


def _fail_skip(report, reason: str, where: str) -> None:
    report.outcome = "failed"
    report.longrepr = (
        f"{where} skipped under CI=true, which fails the run: {reason}\n"
        f"CI has every tool the tests need (make install). Fix the set-up, or, if the skip only depends on the "
        f"database engine, mark the test `{POSTGRES_ONLY}` or skip with a reason starting with {ENGINE_SKIP!r} "
        f"(tests.ci_policy.engine_skip)."
    )


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", f"{POSTGRES_ONLY}: needs PostgreSQL (TEST_DATABASE_URL); "
                                       "skipped on the SQLite run, also on CI")


def pytest_runtest_setup(item) -> None:
    if item.get_closest_marker(POSTGRES_ONLY) is not None and not runs_on_postgresql():
        engine_skip("needs PostgreSQL (TEST_DATABASE_URL); this run uses SQLite")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and on_ci() and not hasattr(report, "wasxfail"):
        reason = _reason(report)
        if not skip_is_allowed_on_ci(reason, {mark.name for mark in item.iter_markers()}):
            _fail_skip(report, reason, "test")
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """Module-level skips (pytest.importorskip at import time, allow_module_level) are collection skips."""
    report = yield
    if report.skipped and on_ci():
        reason = _reason(report)
        if not skip_is_allowed_on_ci(reason, set()):
            _fail_skip(report, reason, "module")
    return report


# Translations ------------------------------------------------------------------------------------

def catalogues(root: Path = ROOT) -> list[Path]:
    return sorted(root.glob("tracker/**/translations/*/LC_MESSAGES/messages.po"))


def compile_catalogues(root: Path = ROOT) -> list[Path]:
    """Compile each messages.po whose .mo is missing or older; returns the .mo files written.

    Stops the session (pytest.exit) with the reason when a catalogue cannot be compiled.
    """
    try:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
    except ImportError as error:  # pragma: no cover - Babel comes with Flask-Babel
        pytest.exit(f"Cannot compile the translations: Babel is not importable ({error}). Run `make install`.",
                    returncode=pytest.ExitCode.USAGE_ERROR)
    written = []
    for po in catalogues(root):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        partial = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
        try:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name, abort_invalid=True)
            with partial.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=True)  # as `flask translations compile` does
            os.replace(partial, mo)
        except Exception as error:  # any reason is reported, then the session stops
            partial.unlink(missing_ok=True)
            pytest.exit(f"Cannot compile the translations: {po.relative_to(root)}: {type(error).__name__}: {error}. "
                        f"Fix the catalogue, then run `flask --app wsgi translations compile`.",
                        returncode=pytest.ExitCode.USAGE_ERROR)
        written.append(mo)
    return written
