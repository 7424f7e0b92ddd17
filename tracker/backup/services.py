"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore.

A fingerprint (row count and a hash of every row, per table) proves that a restored database
holds exactly what the original held.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine, make_url

from tracker.extensions import db


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why."""


def fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of the rows in primary-key order)} for every table of the app."""
    result = {}
    with engine.connect() as connection:
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


def write_fingerprint(backup_path: Path, prints: dict[str, tuple[int, str]]) -> None:
    """Kept beside the backup, so a restore can prove it brought back exactly this."""
    _fingerprint_file(backup_path).write_text(json.dumps(prints, indent=1, sort_keys=True))


def read_fingerprint(backup_path: Path) -> dict[str, tuple[int, str]] | None:
    path = _fingerprint_file(backup_path)
    if not path.exists():
        return None
    return {name: (rows, digest) for name, (rows, digest) in json.loads(path.read_text()).items()}


def default_path(instance_path: str, engine: Engine) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite" if engine.dialect.name == "sqlite" else "dump"
    return Path(instance_path) / "backups" / f"tracker-{stamp}.{suffix}"


def backup(engine: Engine, target: Path) -> Path:
    """Write a consistent copy of the live database to target (the app may keep running)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_file(engine))
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
        finally:
            source.close()
            destination.close()
        return target
    if engine.dialect.name == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(engine)])
        return target
    raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's content with the backup's. Stop the app servers first."""
    if not source.exists():
        raise BackupError(f"No backup at {source}.")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        backup_db = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_file(engine))
        try:
            with live:
                backup_db.backup(live)
        finally:
            backup_db.close()
            live.close()
        return
    if engine.dialect.name == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url(engine)}", str(source)])
        return
    raise BackupError(f"Restoring {engine.dialect.name} databases is not supported.")


def backup_fingerprint(engine: Engine, path: Path) -> dict[str, tuple[int, str]]:
    """The fingerprint of a backup file, read without touching the live database."""
    from sqlalchemy import create_engine

    if engine.dialect.name != "sqlite":
        raise BackupError("Only SQLite backups can be read directly; restore a PostgreSQL dump to check it.")
    copy = create_engine(f"sqlite:///{path}")
    try:
        return fingerprint(copy)
    finally:
        copy.dispose()


def _sqlite_file(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return database


def _libpq_url(engine: Engine) -> str:
    url = make_url(engine.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client).")
    completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv, no shell
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed: {completed.stderr.strip()[:500]}")
