"""Backups restore exactly what was there: checked row by row through a fingerprint."""

import os

import pytest
from sqlalchemy import select

from tracker.backup import services
from tracker.extensions import db
from tracker.measures.models import Measure


def test_backup_and_restore_bring_back_exactly_the_original(runner, world, tmp_path):
    original = services.fingerprint(db.engine)
    suffix = "sqlite" if db.engine.dialect.name == "sqlite" else "dump"
    if suffix == "dump" and not os.path.exists("/usr/bin/pg_dump"):
        pytest.skip("pg_dump is not installed")
    target = tmp_path / f"backup.{suffix}"

    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output

    # Life goes on after the backup: an idea is renamed, another one deleted.
    world.measure_a.title = "Nach dem Backup geändert"
    db.session.delete(world.measure_b)
    db.session.commit()
    assert services.fingerprint(db.engine) != original

    db.session.remove()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert services.fingerprint(db.engine) == original
    titles = set(db.session.scalars(select(Measure.title)))
    assert titles == {"Idee aus A", "Idee aus B"}


def test_restore_refuses_a_missing_file(runner, world, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "nope.sqlite"), "--yes"])
    assert result.exit_code != 0
