"""Command-line tasks: `flask --app wsgi <command>`. Commands act as SYSTEM through the same services as the pages."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from tracker.accounts import services as accounts
from tracker.accounts.models import Role, User
from tracker.api.views import create_token_command
from tracker.backup.cli import backup_command, restore_command
from tracker.demo import data
from tracker.demo.services import seed_demo
from tracker.errors import AppError
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.implementation.reminders import remind_milestones_command
from tracker.jobs.cli import worker_command
from tracker.mail.views import queue_digests_command, queue_reminders_command, send_mail_command
from tracker.organizations.services import organization_named
from tracker.permissions import SYSTEM
from tracker.processes import services as process_services
from tracker.processes.models import Process
from tracker.translations_cli import translations


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo process "Masterplan Wirtschaft" (a second run changes nothing)."""
    process, created = seed_demo()
    if not created:
        click.echo(f"The demo process is already loaded (process {process.id}); nothing changed.")
        return
    click.echo(f"Loaded the demo process “{process.name}” (process {process.id}).")
    click.echo("Demo logins (demo only — change or delete them on a real installation):")
    for email, _name, role, password, _link in data.DEMO_USERS:
        click.echo(f"  {role:<10} {email:<26} {password}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.COMPANY.value, show_default=True)
@click.option("--organization", help="Name of an existing organisation.")
@click.option("--hub", "hub_ids", type=int, multiple=True, help="Id of a hub the moderator moderates (repeatable).")
@click.option("--steering-of", "steering_ids", type=int, multiple=True,
              help="Id of a process whose steering group the user joins (repeatable; role steering).")
@click.option("--password", help="Leave out to be asked, or give --link to print a set-password link instead.")
@click.option("--link", is_flag=True, help="Print a link with which the user sets a password.")
@with_appcontext
def create_user_command(email, name, role, organization, hub_ids, steering_ids, password, link) -> None:
    """Create a login with a role (and, for a moderator, the hubs they moderate; for a steering group member,
    the processes whose steering group they join)."""
    org = None
    if organization:
        org = organization_named(organization)
        if org is None:
            raise click.ClickException(f"No organisation named {organization!r}.")
    hubs = list(db.session.scalars(select(Hub).where(Hub.id.in_(hub_ids)))) if hub_ids else []
    unknown = sorted(set(hub_ids) - {hub.id for hub in hubs})
    if unknown:
        raise click.ClickException(f"No hub with the id {', '.join(map(str, unknown))}.")
    processes = list(db.session.scalars(select(Process).where(Process.id.in_(steering_ids)))) if steering_ids else []
    unknown = sorted(set(steering_ids) - {process.id for process in processes})
    if unknown:
        raise click.ClickException(f"No process with the id {', '.join(map(str, unknown))}.")
    if not password and not link:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(by=SYSTEM, name=name, email=email, role=Role(role), password=password or None,
                                    organization=org, moderated_hubs=hubs)
        for process in processes:
            process_services.set_steering_members(process, [*process.steering_members, user], by=SYSTEM)
        set_password_link = accounts.create_set_password_link(user, by=SYSTEM) if link else None
    except AppError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    moderated = ", ".join(hub.short_name for hub in user.moderated_hubs)
    click.echo(f"Created {role} {user.email} (user {user.id})" + (f", moderating {moderated}." if moderated else "."))
    if set_password_link:
        click.echo(set_password_link)


@click.command("set-password")
@click.argument("email")
@with_appcontext
def set_password_command(email: str) -> None:
    """Set a user's password (and log them out everywhere)."""
    user = accounts.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email}.")
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        accounts.set_password(user, password)
    except AppError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Password of {user.email} changed.")


@click.command("list-users")
@with_appcontext
def list_users_command() -> None:
    """List all logins with their roles."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        state = "active" if user.is_active else "inactive"
        click.echo(f"{user.id:>5}  {user.role.value:<10} {user.email:<40} {state}")


def register_commands(app: Flask) -> None:
    for command in (seed_demo_command, create_user_command, set_password_command, list_users_command,
                    translations, backup_command, restore_command, create_token_command, send_mail_command,
                    queue_reminders_command, queue_digests_command, remind_milestones_command, worker_command):
        app.cli.add_command(command)
