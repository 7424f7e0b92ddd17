"""Backups restore exactly what was there, checked row by row through a fingerprint taken from the copy;
a backup that does not match its fingerprint never replaces the live data (issue 16, finding 16)."""

import stat
import threading
import time

from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.backup import services
from tracker.extensions import db
from tracker.measures.models import Measure


def _target(tmp_path):
    return tmp_path / ("backup.sqlite" if db.engine.dialect.name == "sqlite" else "backup.dump")


def test_backup_and_restore_bring_back_exactly_the_original(runner, world, tmp_path):
    original = services.fingerprint(db.engine)
    target = _target(tmp_path)

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


def test_backup_files_are_readable_by_their_owner_only(runner, world, tmp_path):
    target = _target(tmp_path / "backups")
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    for path in (target, target.with_name(target.name + ".fingerprint.json")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


def test_an_online_backup_taken_while_the_app_writes_matches_its_fingerprint(app, runner, world, tmp_path):
    """The fingerprint used to be taken from the live database before the copy: writes in between made
    the backup fail its own check and left an unverified file."""
    stop = threading.Event()

    def keep_writing():
        with app.app_context():
            while not stop.is_set():
                db.session.add(AuditEvent(action="load", object_type="test", summary="busy"))
                db.session.commit()
            db.session.remove()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while db.session.scalar(select(func.count()).select_from(AuditEvent)) < 5:
            db.session.rollback()  # a new snapshot each time
            time.sleep(0.01)
        db.session.rollback()
        target = _target(tmp_path)
        result = runner.invoke(args=["backup", str(target)])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    written = services.read_fingerprint(target)
    db.session.remove()
    assert runner.invoke(args=["restore", str(target), "--yes"]).exit_code == 0
    assert services.fingerprint(db.engine) == written


def test_a_tampered_backup_is_refused_before_it_replaces_anything(runner, world, tmp_path):
    target = _target(tmp_path)
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    fingerprint_file = target.with_name(target.name + ".fingerprint.json")
    fingerprint_file.write_text(fingerprint_file.read_text().replace('"measure": [\n  2', '"measure": [\n  3'))
    measure_id = world.measure_a.id
    world.measure_a.title = "Nach dem Backup geändert"
    db.session.commit()
    db.session.remove()

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 1 and "measure" in result.output and "nothing was changed" in result.output
    assert db.session.get(Measure, measure_id).title == "Nach dem Backup geändert"


def test_a_garbage_file_gets_a_clear_message_not_a_traceback(runner, world, tmp_path):
    measure_id = world.measure_a.id
    garbage = _target(tmp_path)
    garbage.write_bytes(b"\x00garbage" * 100)
    garbage.with_name(garbage.name + ".fingerprint.json").write_text("{}")
    result = runner.invoke(args=["restore", str(garbage), "--yes"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "Error:" in result.output and "Traceback" not in result.output
    assert db.session.get(Measure, measure_id).title == "Idee aus A"


def test_restore_refuses_a_missing_file(runner, world, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "nope.sqlite"), "--yes"])
    assert result.exit_code != 0
