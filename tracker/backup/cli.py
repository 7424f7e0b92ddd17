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
    """Back up the database (online: the app may keep running); the fingerprint is taken from the copy."""
    engine = db.engine
    target = path or services.default_path(current_app.instance_path, engine)
    try:
        prints = services.backup(engine, target)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(count for count, _ in prints.values())
    click.echo(f"Backup written to {target} ({rows} rows in {len(prints)} tables, verified).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database's content with a backup that is first proved intact against its fingerprint."""
    if not yes:
        click.confirm(f"Replace ALL data in {db.engine.url.render_as_string()} with {path}?", abort=True)
    db.session.remove()
    try:
        restored = services.restore(db.engine, path)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(count for count, _ in restored.values())
    from tracker.caching import cache

    cache.clear()  # the restored data generations may repeat numbers the cache holds pages for
    click.echo(f"Restored {path} ({rows} rows in {len(restored)} tables, verified).")
