"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore.

A fingerprint (row count and a hash of every row, per table) proves that a restored database
holds exactly what the backup holds. It is taken from the copy itself (SQLite) or inside the very
snapshot pg_dump writes (PostgreSQL), so a backup taken while the app writes is consistent with its
fingerprint. A restore first loads the backup into a scratch database and compares it with the
fingerprint; only a backup that matches replaces the live data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Connection, Engine, make_url

from tracker.errors import Invalid
from tracker.extensions import db

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700

Fingerprint = dict[str, tuple[int, str]]


class BackupError(Invalid):
    """The backup or restore could not be done; the message says why."""


def fingerprint(engine: Engine) -> Fingerprint:
    """{table: (rows, sha256 of the rows in primary-key order)} for every table of the app."""
    with engine.connect() as connection:
        return _fingerprint(connection)


def _fingerprint(connection: Connection) -> Fingerprint:
    result = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.sha256()
        rows = 0
        for row in connection.execute(select(table).order_by(*order)):
            digest.update(repr(tuple(_stable(v) for v in row)).encode())
            rows += 1
        result[table.name] = (rows, digest.hexdigest())
    return result


def _stable(value):
    """The same value reads back the same way from the original and the copy."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, dict):
        return sorted(value.items())
    return value


def _fingerprint_file(backup_path: Path) -> Path:
    return backup_path.with_name(backup_path.name + ".fingerprint.json")


def _private(path: Path) -> None:
    path.chmod(PRIVATE_FILE)


def write_fingerprint(backup_path: Path, prints: Fingerprint) -> None:
    """Kept beside the backup, so a restore can prove it brings back exactly this."""
    path = _fingerprint_file(backup_path)
    path.write_text(json.dumps(prints, indent=1, sort_keys=True))
    _private(path)


def read_fingerprint(backup_path: Path) -> Fingerprint | None:
    path = _fingerprint_file(backup_path)
    if not path.exists():
        return None
    try:
        return {name: (rows, digest) for name, (rows, digest) in json.loads(path.read_text()).items()}
    except (ValueError, TypeError, AttributeError) as error:
        raise BackupError(f"The fingerprint file {path} is damaged ({error}).") from None


def default_path(instance_path: str, engine: Engine) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite" if engine.dialect.name == "sqlite" else "dump"
    return Path(instance_path) / "backups" / f"tracker-{stamp}.{suffix}"


def backup(engine: Engine, target: Path) -> Fingerprint:
    """Write a consistent copy of the live database to target (the app may keep running), readable
    by its owner only, with its fingerprint beside it; returns that fingerprint."""
    if not target.parent.exists():
        target.parent.mkdir(parents=True, mode=PRIVATE_DIR)
    with _private_umask():
        if engine.dialect.name == "sqlite":
            prints = _backup_sqlite(engine, target)
        elif engine.dialect.name == "postgresql":
            prints = _backup_postgresql(engine, target)
        else:
            raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")
    _private(target)
    write_fingerprint(target, prints)
    return prints


def _backup_sqlite(engine: Engine, target: Path) -> Fingerprint:
    source = sqlite3.connect(_sqlite_file(engine))
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)  # one consistent copy, even while others write
    finally:
        source.close()
        destination.close()
    return sqlite_file_fingerprint(target)


def _backup_postgresql(engine: Engine, target: Path) -> Fingerprint:
    """pg_dump writes the snapshot this transaction exported; the fingerprint reads the same snapshot."""
    with engine.connect() as connection:
        connection.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={target}",
              _libpq_url(engine.url)])
        prints = _fingerprint(connection)
        connection.exec_driver_sql("COMMIT")
    return prints


def sqlite_file_fingerprint(path: Path) -> Fingerprint:
    """The fingerprint of an SQLite file, read without touching the live database."""
    _require_sqlite_file(path)
    copy = create_engine(f"sqlite:///{path}")
    try:
        return fingerprint(copy)
    except Exception as error:
        raise BackupError(f"{path} is not a backup of this application ({type(error).__name__}).") from None
    finally:
        copy.dispose()


def _require_sqlite_file(path: Path) -> None:
    with path.open("rb") as file:
        if file.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path} is not an SQLite backup.")


def restore(engine: Engine, source: Path) -> Fingerprint:
    """Replace the database's content with the backup's, after proving the backup is intact.

    The backup is loaded into a scratch database first and compared with its fingerprint; only when
    it matches is the live database replaced (stop the app servers first). Returns the fingerprint
    of the restored live database.
    """
    if not source.exists():
        raise BackupError(f"No backup at {source}.")
    expected = read_fingerprint(source)
    if expected is None:
        raise BackupError(f"No fingerprint beside {source} ({_fingerprint_file(source).name}): cannot verify it.")
    if engine.dialect.name == "sqlite":
        _verify(sqlite_file_fingerprint(source), expected)
        engine.dispose()
        _copy_sqlite(source, Path(_sqlite_file(engine)))
    elif engine.dialect.name == "postgresql":
        with _scratch_postgresql(engine) as scratch:
            _pg_restore(scratch.url, source)
            _verify(fingerprint(scratch), expected)
        engine.dispose()
        _pg_restore(engine.url, source)
    else:
        raise BackupError(f"Restoring {engine.dialect.name} databases is not supported.")
    restored = fingerprint(engine)
    _verify(restored, expected, after=True)
    return restored


def _verify(actual: Fingerprint, expected: Fingerprint, *, after: bool = False) -> None:
    if actual != expected:
        differing = sorted(name for name in set(actual) | set(expected) if actual.get(name) != expected.get(name))
        where = "The restored database" if after else "The backup"
        raise BackupError(f"{where} does not match its fingerprint in: {', '.join(differing)}"
                          + ("" if after else "; nothing was changed."))


def _copy_sqlite(source: Path, live: Path) -> None:
    backup_db = sqlite3.connect(source)
    live_db = sqlite3.connect(live)
    try:
        with live_db:
            backup_db.backup(live_db)
    finally:
        backup_db.close()
        live_db.close()


@contextlib.contextmanager
def _scratch_postgresql(engine: Engine) -> Iterator[Engine]:
    """A temporary database on the same server, dropped afterwards."""
    name = f"{engine.url.database}_restore_{secrets.token_hex(4)}"
    admin = create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        scratch = create_engine(engine.url.set(database=name))
        try:
            yield scratch
        finally:
            scratch.dispose()
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _pg_restore(url, source: Path) -> None:
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={_libpq_url(url)}", str(source)])


def _sqlite_file(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return database


def _libpq_url(url) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def _private_umask() -> Iterator[None]:
    """Files come into existence readable by their owner only (not just chmod-ed afterwards)."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client).")
    completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv, no shell
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed: {completed.stderr.strip()[:500]}")


__all__ = ["BackupError", "backup", "fingerprint", "restore"]
