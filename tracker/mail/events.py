"""What causes mail: each function queues the mails of one event (the caller commits)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.hubs.models import Hub, HubMembership, hub_moderator, membership_delegate
from tracker.mail.models import MailKind
from tracker.mail.services import answer_token, queue
from tracker.measures.models import MeasureStatus
from tracker.organizations.models import Person
from tracker.processes.models import process_steering
from tracker.sessions import ical
from tracker.sessions.models import ActionItem, Attendance, AttendanceStatus, Session, SessionStatus
from tracker.text import single_line
from tracker.urls import public_url

# The steps supporters may ask to hear of (mail kind "supported", off until switched on).
SUPPORTER_NEWS = frozenset({MeasureStatus.ADOPTED, MeasureStatus.REJECTED})


def session_ics(session: Session) -> bytes:
    """An invitation or update for calendars: the session's stable UID, its version as SEQUENCE."""
    return ical.invitation(session, url=public_url("sessions.show", session_id=session.id))


def _links(attendance: Attendance) -> dict:
    token = answer_token(attendance)
    return {"register_url": public_url("mail.answer", token=token, answer="registered"),
            "excuse_url": public_url("mail.answer", token=token, answer="excused"),
            "session_url": public_url("sessions.show", session_id=attendance.session_id)}


def invitations(session: Session, attendances: list[Attendance]) -> int:
    """Invite each person (once per version of the session), with an .ics and links to answer."""
    ics = session_ics(session)
    queued = 0
    for attendance in attendances:
        queued += queue(MailKind.INVITATION, attendance.person, template="invitation", session=session,
                        ics=ics, dedup_key=f"invitation:{session.id}:{attendance.person_id}:v{session.version}",
                        **_links(attendance)) is not None
    return queued


def session_changed(session: Session) -> int:
    """Everyone invited hears of a new time, place or a cancellation, with the same calendar UID."""
    db.session.flush()  # the new version number goes into SEQUENCE and the dedup key
    ics = session_ics(session)
    rows = db.session.scalars(select(Attendance).where(
        Attendance.session_id == session.id,
        Attendance.status.in_([AttendanceStatus.INVITED, AttendanceStatus.REGISTERED, AttendanceStatus.ATTENDED])))
    queued = 0
    for attendance in rows:
        queued += queue(MailKind.SESSION_UPDATE, attendance.person, template="session_update", session=session,
                        ics=ics, dedup_key=f"update:{session.id}:{attendance.person_id}:v{session.version}",
                        **_links(attendance)) is not None
    return queued


def minutes_approved(session: Session) -> int:
    """The hub's members (its delegates) and the session's participants hear that the minutes are out."""
    people: dict[int, Person] = {a.person_id: a.person for a in session.attendances
                                 if a.status == AttendanceStatus.ATTENDED}
    if session.hub_id is not None:
        delegates = db.session.scalars(select(Person).join(
            membership_delegate, membership_delegate.c.person_id == Person.id).join(
            HubMembership, HubMembership.id == membership_delegate.c.membership_id).where(
            HubMembership.hub_id == session.hub_id, HubMembership.left_at.is_(None)))
        people.update({p.id: p for p in delegates})
    stamp = (session.minutes_approved_at or datetime.min).isoformat()
    return sum(queue(MailKind.MINUTES_APPROVED, person, template="minutes_approved", session=session,
                     session_url=public_url("sessions.show", session_id=session.id),
                     dedup_key=f"minutes:{session.id}:{person.id}:{stamp}") is not None for person in people.values())


def _proposers(measure, depth: int = 0) -> dict[int, Person]:
    """Who proposed the measure: the person who did, else the proposing organisation's account holders; and
    who proposed the ideas merged into it (a merge keeps its sources' proposers)."""
    people = {}
    if measure.proposer_person is not None:
        people[measure.proposer_person.id] = measure.proposer_person
    elif measure.proposer_organization is not None:
        people.update({p.id: p for p in measure.proposer_organization.people if p.user is not None})
    if depth < 20:
        for source in measure.merged_from:
            people.update(_proposers(source, depth + 1))
    return people


def measure_status_changed(measure, step) -> int:
    """The proposer hears when their measure moves on; supporters who asked for it hear of adoption and rejection."""
    people = _proposers(measure)
    db.session.flush()
    url = public_url("measures.show", measure_id=measure.id)
    sent = sum(queue(MailKind.MEASURE_STATUS, person, template="measure_status", measure=measure, step=step,
                     measure_url=url, dedup_key=f"measure:{step.id}:{person.id}") is not None
               for person in people.values())
    if step.to_status in SUPPORTER_NEWS:
        supporters = {p.id: p for organization in measure.supporters for p in organization.people
                      if p.user is not None and p.id not in people}
        sent += sum(queue(MailKind.SUPPORTED_MEASURE, person, template="supported_measure", measure=measure,
                          step=step, measure_url=url, dedup_key=f"supported:{step.id}:{person.id}") is not None
                    for person in supporters.values())
    return sent


def measures_merged(target, sources) -> int:
    """The proposers of merged ideas hear into which measure their idea went."""
    url = public_url("measures.show", measure_id=target.id)
    sent = 0
    for source in sources:
        step = source.transitions[-1] if source.transitions else None
        for person in _proposers(source, depth=20).values():
            sent += queue(MailKind.MEASURE_STATUS, person, template="measure_merged", measure=source, target=target,
                          measure_url=url, dedup_key=f"merged:{source.id}:{target.id}:"
                          f"{step.id if step else 0}:{person.id}") is not None
    return sent


def plan_review(version, *, by) -> int:
    """Each member of the process's steering group but the submitter is asked to review and approve a
    submitted plan version."""
    submitter_id = getattr(by, "id", None)
    reviewers = db.session.scalars(select(User).join(process_steering, process_steering.c.user_id == User.id).where(
        process_steering.c.process_id == version.process_id, User.role == Role.STEERING,
        User.is_active_account.is_(True)).order_by(User.id))
    label = single_line(version.label)
    url = public_url("plan.version", version_id=version.id)
    return sum(queue(MailKind.PLAN_REVIEW, reviewer.person, template="plan_review", version=version, label=label,
                     process_name=single_line(version.process.name), needed=version.process.approvals_needed,
                     submitter=single_line(by.name) if submitter_id is not None else "",
                     version_url=url, dedup_key=f"plan-review:{version.id}:{reviewer.person_id}") is not None
               for reviewer in reviewers if reviewer.id != submitter_id)


def process_participants(process) -> list[Person]:
    """Who takes part in a process's decisions: the steering group, the moderators of its hubs and the
    company representatives of its hubs' member organisations (active accounts only)."""
    member_orgs = select(HubMembership.organization_id).where(HubMembership.process_id == process.id,
                                                              HubMembership.left_at.is_(None))
    moderators = select(hub_moderator.c.user_id).join(Hub, Hub.id == hub_moderator.c.hub_id).where(
        Hub.process_id == process.id)
    users = db.session.scalars(select(User).join(Person, Person.id == User.person_id).where(
        User.is_active_account.is_(True),
        (User.role == Role.STEERING) | User.id.in_(moderators)
        | ((User.role == Role.COMPANY) & Person.organization_id.in_(member_orgs))).order_by(User.id))
    return [user.person for user in users]


def round_opened(round_) -> int:
    """Everyone taking part in the process hears that a prioritisation round is open, with the link to vote."""
    url = public_url("prioritisation.show", round_id=round_.id)
    title, process_name = single_line(round_.title), single_line(round_.process.name)
    return sum(queue(MailKind.ROUND, person, template="round_opened", round=round_, title=title,
                     process_name=process_name, round_url=url, dedup_key=f"round-open:{round_.id}:{person.id}")
               is not None for person in process_participants(round_.process))


def round_published(round_, results) -> int:
    """Everyone taking part hears that the round's results are out, with the first places."""
    url = public_url("prioritisation.show", round_id=round_.id)
    titles = {m.id: single_line(m.title) for m in round_.measures}
    top = [(r.rank, titles.get(r.measure_id, "")) for r in sorted(results, key=lambda r: r.rank)[:5]]
    title, process_name = single_line(round_.title), single_line(round_.process.name)
    return sum(queue(MailKind.ROUND, person, template="round_published", round=round_, title=title, top=top,
                     process_name=process_name, round_url=url, dedup_key=f"round-results:{round_.id}:{person.id}")
               is not None for person in process_participants(round_.process))


def reminders(today: date) -> int:
    """The day before a session, a reminder to everyone registered."""
    start, end = datetime.combine(today + timedelta(days=1), datetime.min.time()), \
        datetime.combine(today + timedelta(days=2), datetime.min.time())
    rows = db.session.scalars(select(Attendance).join(Session).where(
        Session.status == SessionStatus.PLANNED, Session.starts_at >= start, Session.starts_at < end,
        Attendance.status == AttendanceStatus.REGISTERED))
    return sum(queue(MailKind.REMINDER, a.person, template="reminder", session=a.session,
                     dedup_key=f"reminder:{a.session_id}:{a.person_id}", **_links(a)) is not None for a in rows)


def milestone_reminder(milestone, today: date) -> bool:
    """The owner of a milestone hears before it is due; once per milestone and due date."""
    measure = milestone.measure
    return queue(MailKind.MILESTONE, milestone.owner_person, template="milestone_reminder", milestone=milestone,
                 title=single_line(milestone.title), measure_title=single_line(measure.title),
                 days=(milestone.due_on - today).days,
                 measure_url=public_url("measures.show", measure_id=measure.id) + "#implementation",
                 dedup_key=f"milestone:{milestone.id}:{milestone.due_on.isoformat()}") is not None


def digests(today: date) -> int:
    """Once a week, each owner of open action items gets the list, overdue ones first."""
    items = db.session.scalars(select(ActionItem).where(ActionItem.done.is_(False), ActionItem.owner_id.is_not(None))
                               .order_by(ActionItem.due_on, ActionItem.id)).all()
    by_owner: dict[int, list] = {}
    for item in items:
        by_owner.setdefault(item.owner_id, []).append(item)
    year, week, _day = today.isocalendar()
    return sum(queue(MailKind.ACTION_DIGEST, owned[0].owner, template="digest", items=owned, today=today,
                     overview_url=public_url("sessions.my_action_items"),
                     dedup_key=f"digest:{owner}:{year}-{week}") is not None for owner, owned in by_owner.items())


def account_link(user, link: str) -> None:
    """The set-password link of a new or approved account."""
    queue(MailKind.ACCOUNT, user.person, template="account", link=link,
          dedup_key=f"account:{user.id}:{link[-24:]}")


def password_reset(user, *, email: str, link: str) -> None:
    """The "forgot password" link of an active account. For an address without one the same mail is
    composed and dropped, so the answer takes as long whichever the address is."""
    hours = max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600)
    person = user.person if user is not None else Person(name="", email=email)
    queue(MailKind.ACCOUNT, person, template="password_reset", link=link, hours=hours, discard=user is None,
          dedup_key=f"password-reset:{user.id if user is not None else 0}:{link[-24:]}")


def account_holder_registered(process, person) -> None:
    """Someone used the public form with the address of an account: tell its owner (once a day at most)."""
    queue(MailKind.ACCOUNT, person, template="already_registered", process=process,
          login_url=public_url("accounts.login"),
          dedup_key=f"already-registered:{person.id}:{process.id}:{date.today().isoformat()}")


def registration_received(process, request, language: str | None) -> None:
    """The registrant of a public registration hears that it arrived and what happens next. They are no
    person yet (nothing is written before approval): the mail goes to the address as typed."""
    registrant = Person(name=request.name, email=request.email)
    queue(MailKind.ACCOUNT, registrant, template="registration_received", language=language,
          process_name=single_line(process.name), event=request.event,
          delegates=[single_line(d.name) for d in request.delegates],
          dedup_key=f"registration-received:{request.id}")


def kickoff_registered(request, attendances: list[Attendance]) -> int:
    """Everyone an approved registration registered for its event: the confirmation with the event's .ics
    and the link to excuse themselves."""
    if not attendances:
        return 0
    session = attendances[0].session
    ics = session_ics(session)
    return sum(queue(MailKind.INVITATION, a.person, template="kickoff_registered", session=session, ics=ics,
                     organization=single_line(request.organization.name) if request.organization else "",
                     dedup_key=f"registered:{session.id}:{a.person_id}:v{session.version}",
                     **_links(a)) is not None for a in attendances)
