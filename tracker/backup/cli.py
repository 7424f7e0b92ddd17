"""`flask --app wsgi backup [PATH]` and `flask --app wsgi restore PATH`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.backup import services
from tracker.extensions import db


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path | None) -> None:
    """Back up the database (online: the app may keep running) and verify the copy."""
    engine = db.engine
    target = path or services.default_path(current_app.instance_path, engine)
    try:
        before = services.fingerprint(engine)
        services.backup(engine, target)
        if engine.dialect.name == "sqlite" and services.backup_fingerprint(engine, target) != before:
            raise services.BackupError("The backup differs from the database (it changed during the backup?).")
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error
    services.write_fingerprint(target, before)
    rows = sum(count for count, _ in before.values())
    click.echo(f"Backup written to {target} ({rows} rows in {len(before)} tables, verified).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database's content with a backup, then check the result equals the backup."""
    if not yes:
        click.confirm(f"Replace ALL data in {db.engine.url.render_as_string()} with {path}?", abort=True)
    engine = db.engine
    try:
        expected = services.read_fingerprint(path)
        services.restore(engine, path)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error
    restored = services.fingerprint(engine)
    if expected is not None and restored != expected:
        differing = sorted(name for name in restored if restored[name] != expected.get(name))
        raise click.ClickException(f"The restored database differs from the backup in: {', '.join(differing)}.")
    rows = sum(count for count, _ in restored.values())
    click.echo(f"Restored {path} ({rows} rows in {len(restored)} tables{', verified' if expected else ''}).")
