"""Mail on the job queue: the periodic tasks of tracker/jobs/schedule.py (they replace `send-mail --loop`)."""

from __future__ import annotations

from datetime import date

from tracker.mail import events, services


def send_due() -> dict[str, int]:
    """Send the mails that are due (every 30 s; a mail is claimed once, whichever worker runs this)."""
    return services.send_due()


def queue_reminders(today: date) -> int:
    """Tomorrow's session reminders (hourly; a reminder is queued once per session and person)."""
    return events.reminders(today)


def queue_digests(today: date) -> int:
    """This week's action-item digests (hourly; once per week and person)."""
    return events.digests(today)
