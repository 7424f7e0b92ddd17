"""Owners of milestones are reminded by mail before a milestone is due.

`send_milestone_reminders(today)` is a plain function: the CLI command `flask remind-milestones` and a
scheduled job call it. Each milestone is reminded once per due date (milestone.reminded_due_on records
it); a moved due date is reminded again. The mail itself is mail's: it listens to `milestone_due_soon`
and honours the owner's mail preferences.
"""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from tracker.extensions import db
from tracker.implementation.models import Milestone
from tracker.implementation.services import REPORTING
from tracker.implementation.signals import milestone_due_soon
from tracker.measures.models import Measure
from tracker.model_types import utcnow


def lead_days(config) -> int:
    """How many days before its due date an owner is reminded (MILESTONE_REMINDER_DAYS)."""
    return max(0, int(config["MILESTONE_REMINDER_DAYS"]))


def due_soon(today: date, days: int) -> list[Milestone]:
    """Open milestones with an owning person, due from today to `days` ahead, not yet reminded of that date."""
    return list(db.session.scalars(
        select(Milestone).join(Milestone.measure).options(contains_eager(Milestone.measure))
        .where(Milestone.done.is_(False), Milestone.owner_person_id.is_not(None),
               Milestone.due_on >= today, Milestone.due_on <= today + timedelta(days=days),
               or_(Milestone.reminded_due_on.is_(None), Milestone.reminded_due_on != Milestone.due_on),
               Measure.status.in_(REPORTING))
        .order_by(Milestone.due_on, Milestone.id)))


def send_milestone_reminders(today: date) -> int:
    """Remind the owners of milestones due within the configured lead time; returns how many milestones.

    Commits: the mails and the record that they were sent go together (a second run sends nothing).
    """
    milestones = due_soon(today, lead_days(current_app.config))
    for milestone in milestones:
        milestone_due_soon.send(milestone, today=today)
        milestone.reminded_due_on = milestone.due_on
    db.session.commit()
    return len(milestones)


@click.command("remind-milestones")
@with_appcontext
def remind_milestones_command() -> None:
    """Mail the owners of milestones due soon (run daily; a milestone is reminded once per due date)."""
    count = send_milestone_reminders(utcnow().date())
    click.echo(f"reminded the owners of {count} milestones")
