"""GDPR: everything linked to a person as one download, and anonymisation that keeps their contributions.

Both work for every person, with or without an account (most delegates and attendees have none).

Anonymising removes the name and contact (email, phone, function) from every table: the person's row,
the audit trail (summaries and the old/new values of renames), the mails (deleted, see below), the rows
of imported participant lists, and — as a safety net — any text or JSON column that still quotes one of
the names or addresses the person ever had. What they did stays, attributed to a "former participant":
attendance (so counts and working hours do not change), measures they proposed, comments, ballots
(anonymous anyway), action items they own, minutes revisions, API token names (revoked), consents
(purpose, text version and dates; they hold no text that names anyone).

Mails: the outbox is a delivery queue, not a record — every mail of the person (queued, failed or sent)
is deleted, so a queued one can never be sent afterwards; the audit entry of the anonymisation counts
them. The login is closed for good (no password, new session token, inactive, no moderated hubs, in no
steering group), and the person is no longer a delegate of any hub membership.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import LargeBinary, Text, cast, delete, func, or_, select, update

from tracker.accounts.models import User
from tracker.api.models import ApiToken
from tracker.attendance.models import ImportBatch
from tracker.audit.models import AuditEvent
from tracker.audit.services import record
from tracker.errors import Conflict
from tracker.extensions import db
from tracker.hubs.models import Hub, HubMembership, hub_moderator, membership_delegate
from tracker.mail.models import MailPreference, OutboxMail
from tracker.measures.models import Measure, MeasureComment, MeasureTransition
from tracker.model_types import utcnow
from tracker.organizations.models import Person
from tracker.organizations.services import person_message
from tracker.permissions import guarded, is_admin
from tracker.plan.models import PlanVersion, ReviewComment
from tracker.prioritisation.models import Ballot, BallotEntry, Criterion, PrioritisationRound
from tracker.privacy import scrub
from tracker.privacy.signals import person_anonymised
from tracker.processes.models import process_steering
from tracker.registration.models import RegistrationRequest
from tracker.sessions.models import ActionItem, Attendance, MinutesRevision, Session

FORMER_PARTICIPANT = _l("Former participant")
ONLY_ADMINS = _l("Only administrators anonymise people, and never themselves.")
# Personal fields of a person or account in an audit entry's changes; the name becomes "former participant".
PERSONAL_FIELDS = ("name", "email", "phone", "function")
# Never part of a download, whatever table they are in.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "session_token", "claim_token", "dedup_key"})


def former_participant_name() -> str:
    """Stored in the installation's default language, so every page, export and API shows it alike."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return str(FORMER_PARTICIPANT)


def can_export(user, person: Person) -> bool:
    """Their own data, and anyone's for an administrator."""
    own = getattr(user, "person", None) is not None and user.person.id == person.id
    return is_admin(user) or (own and getattr(user, "is_authenticated", False))


def can_anonymise(user, person: Person) -> bool:
    """Administrators (and the system), never on themselves: they would lock themselves out."""
    own = getattr(user, "person", None) is not None and user.person.id == person.id
    return is_admin(user) and not own


# --- what is linked to a person ----------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _normal(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def audit_about(person: Person) -> list[AuditEvent]:
    """The audit entries whose object is the person: their record, account, attendances and tokens,
    the delegations and invitations that named them. One definition for the download and the cleanup."""
    user = person.user
    objects = [(AuditEvent.object_type == "person") & (AuditEvent.object_id == person.id)]
    attendance_ids = select(Attendance.id).where(Attendance.person_id == person.id)
    objects.append((AuditEvent.object_type == "attendance") & AuditEvent.object_id.in_(attendance_ids))
    if user is not None:
        objects.append((AuditEvent.object_type == "user") & (AuditEvent.object_id == user.id))
        token_ids = select(ApiToken.id).where(ApiToken.user_id == user.id)
        objects.append((AuditEvent.object_type == "api_token") & AuditEvent.object_id.in_(token_ids))
    events = list(db.session.scalars(select(AuditEvent).where(or_(*objects))))
    # Delegations and invitations name the person by id inside the changes.
    for event in db.session.scalars(select(AuditEvent).where(
            or_((AuditEvent.object_type == "hub_membership") & (AuditEvent.action == "update"),
                AuditEvent.action == "invite_all"))):
        changes = event.changes or {}
        if person.id in (changes.get("delegate_added"), changes.get("delegate_removed")) or \
                person.id in (changes.get("invited_person_ids") or []):
            events.append(event)
    return sorted(events, key=lambda e: (e.at, e.id))


def _audit_entry(event: AuditEvent) -> dict[str, Any]:
    return {"id": event.id, "at": event.at.isoformat(), "action": event.action, "object_type": event.object_type,
            "object_id": event.object_id, "summary": event.summary, "changes": event.changes,
            "ip_address": event.ip_address}


@dataclass
class Traces:
    """Every form in which the person's name and contact were ever stored."""

    names: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    def add(self, key: str, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        target = {"name": self.names, "email": self.emails, "phone": self.phones}.get(key)
        if target is not None:
            target.update(v.strip() for v in values if isinstance(v, str) and v.strip())

    @property
    def emails_lower(self) -> set[str]:
        return {email.lower() for email in self.emails}


def _import_rows_of(traces: Traces, *, names_too: bool) -> list[tuple[ImportBatch, int]]:
    """(batch, index) of each imported row that listed the person: by any of their emails, or by one of
    their names when the row has no email (and `names_too`: the name belongs to nobody else)."""
    words = [w for w in (*traces.emails, *(traces.names if names_too else ())) if w]
    if not words:
        return []
    text = func.lower(cast(ImportBatch.rows, Text))
    searched = {s for word in words for s in scrub.spellings(word)}
    batches = db.session.scalars(select(ImportBatch).where(
        or_(*[text.contains(s, autoescape=True) for s in searched]))).all()
    emails, names = traces.emails_lower, {_normal(n) for n in traces.names}
    found = []
    for batch in batches:
        for index, row in enumerate(batch.rows or []):
            email = str(row.get("email") or "").strip().lower()
            if (email and email in emails) or (names_too and not email and _normal(row.get("name")) in names):
                found.append((batch, index))
    return found


def traces_of(person: Person, about: list[AuditEvent] | None = None) -> Traces:
    """The current name and contact, the earlier ones from the audit trail (renames, changed emails),
    the addresses mails went to, and the spellings of imported lists that listed them; every name
    also surname first (`scrub.name_forms`)."""
    traces = Traces()
    for key in ("name", "email", "phone"):
        traces.add(key, getattr(person, key))
    for event in audit_about(person) if about is None else about:
        if event.object_type in ("person", "user"):
            for key, value in (event.changes or {}).items():
                traces.add(key, value)
    traces.add("email", list(db.session.scalars(select(OutboxMail.to_address).where(
        OutboxMail.person_id == person.id))))
    for batch, index in _import_rows_of(traces, names_too=False):
        traces.add("name", batch.rows[index].get("name"))
    traces.names.discard(former_participant_name())
    traces.names = {form for name in traces.names for form in scrub.name_forms(name)}
    return traces


def borne_by_others(person: Person, traces: Traces) -> Traces:
    """Those names and addresses that another (not anonymised) person bears now, in every form their
    name is written (surname first too): they are removed from this person's own records only, never
    from anyone else's."""
    others = Traces()
    if traces.names:
        wanted = {_normal(n): n for n in traces.names}
        searched = {low for name in traces.names for form in scrub.written(name) for low in scrub.lowered(form)}
        for name in db.session.scalars(select(Person.name).where(
                Person.id != person.id, Person.anonymised_at.is_(None), func.lower(Person.name).in_(searched))):
            others.names |= {wanted[_normal(form)] for form in scrub.name_forms(name) if _normal(form) in wanted}
    if traces.emails:
        others.emails = set(db.session.scalars(select(Person.email).where(
            Person.id != person.id, Person.email.in_(traces.emails_lower))))
    return others


def _without(traces: Traces, others: Traces) -> Traces:
    return Traces(names=traces.names - others.names, emails={e for e in traces.emails if e.lower() not in
                                                             others.emails_lower}, phones=set(traces.phones))


# --- the download ------------------------------------------------------------------------------------

def _rows(statement) -> list:
    return list(db.session.scalars(statement))


def _registrations(person: Person) -> list[dict[str, Any]]:
    """The registration requests that became this person (a pending one has no person yet)."""
    return [{"id": r.id, "process": r.process.name, "hub": r.hub.name, "status": r.status.value,
             "organization_as_typed": r.organization_name, "consent_contact": r.consent_contact,
             "consent_named": r.consent_named, "consent_text_version": r.consent_text_version,
             "requested_at": r.created_at.isoformat(), "decided_at": r.decided_at.isoformat() if r.decided_at else None}
            for r in _rows(select(RegistrationRequest).where(RegistrationRequest.person_id == person.id)
                           .order_by(RegistrationRequest.id))]


def _ballots(user: User) -> list[dict[str, Any]]:
    result = []
    for ballot, round_ in db.session.execute(select(Ballot, PrioritisationRound).join(
            PrioritisationRound, PrioritisationRound.id == Ballot.round_id).where(Ballot.voter_id == user.id)
            .order_by(Ballot.id)):
        entries = db.session.execute(select(BallotEntry, Measure.title, Criterion.name).join(
            Measure, Measure.id == BallotEntry.measure_id).outerjoin(
            Criterion, Criterion.id == BallotEntry.criterion_id).where(BallotEntry.ballot_id == ballot.id)
            .order_by(BallotEntry.id))
        result.append({"round_id": round_.id, "round": round_.title, "updated_at": ballot.updated_at.isoformat(),
                       "entries": [{"measure_id": entry.measure_id, "measure": title, "criterion": criterion,
                                    "value": entry.value} for entry, title, criterion in entries]})
    return result


def _account(person: Person) -> dict[str, Any] | None:
    user = person.user
    if user is None:
        return None
    return {"id": user.id, "role": user.role.value, "locale": user.locale, "active": user.is_active_account,
            "has_password": user.password_hash is not None, "created_at": user.created_at.isoformat(),
            "last_login_at": _plain(user.last_login_at),
            "moderated_hubs": [hub.name for hub in user.moderated_hubs],
            "steering_group_of": [process.name for process in user.steering_processes]}


def _contributions(user: User) -> dict[str, Any]:
    """What the person did with their login."""
    comments = db.session.execute(select(MeasureComment, Measure.title).join(
        Measure, Measure.id == MeasureComment.measure_id).where(MeasureComment.author_id == user.id)
        .order_by(MeasureComment.id))
    transitions = _rows(select(MeasureTransition).where(MeasureTransition.by_id == user.id)
                        .order_by(MeasureTransition.id))
    revisions = db.session.execute(select(MinutesRevision, Session.title).join(
        Session, Session.id == MinutesRevision.session_id).where(MinutesRevision.author_id == user.id)
        .order_by(MinutesRevision.id))
    approved = _rows(select(Session).where(Session.minutes_approved_by_id == user.id).order_by(Session.id))
    reviews = _rows(select(ReviewComment).where(ReviewComment.author_id == user.id).order_by(ReviewComment.id))
    versions = _rows(select(PlanVersion).where(or_(PlanVersion.created_by_id == user.id,
                                                   PlanVersion.approved_by_id == user.id)).order_by(PlanVersion.id))
    uploads = _rows(select(ImportBatch).where(ImportBatch.created_by_id == user.id).order_by(ImportBatch.id))
    return {
        "measure_comments": [{"id": c.id, "measure_id": c.measure_id, "measure": title, "text": c.text,
                              "created_at": c.created_at.isoformat()} for c, title in comments],
        "measure_transitions": [{"measure_id": t.measure_id, "from": _plain(t.from_status), "to": t.to_status.value,
                                 "reason": t.reason, "at": t.at.isoformat()} for t in transitions],
        "measures_created": [{"id": m.id, "title": m.title} for m in _rows(
            select(Measure).where(Measure.created_by_id == user.id).order_by(Measure.id))],
        "ballots": _ballots(user),
        "rounds_opened": [{"id": r.id, "title": r.title} for r in _rows(
            select(PrioritisationRound).where(PrioritisationRound.created_by_id == user.id))],
        "minutes_revisions": [{"session_id": r.session_id, "session": title, "number": r.number,
                               "saved_at": r.saved_at.isoformat(), "text": r.text} for r, title in revisions],
        "minutes_approved": [{"session_id": s.id, "session": s.title, "approved_at": _plain(s.minutes_approved_at)}
                             for s in approved],
        "review_comments": [{"plan_version_id": c.plan_version_id, "section": c.section_key,
                             "measure_id": c.measure_id, "text": c.text, "created_at": c.created_at.isoformat(),
                             "resolved": c.resolved} for c in reviews],
        "plan_versions": [{"id": v.id, "label": v.label, "created": v.created_by_id == user.id,
                           "approved": v.approved_by_id == user.id} for v in versions],
        "imports_uploaded": [{"id": b.id, "filename": b.filename, "session_id": b.session_id, "hub_id": b.hub_id,
                              "rows": len(b.rows or []), "status": b.status.value,
                              "created_at": b.created_at.isoformat()} for b in uploads],
        "api_tokens": [{"name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat(),
                        "last_used_at": _plain(t.last_used_at), "revoked_at": _plain(t.revoked_at)}
                       for t in _rows(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))],
        "audit_by": [_audit_entry(e) for e in _rows(
            select(AuditEvent).where(AuditEvent.user_id == user.id).order_by(AuditEvent.id))],
    }


# Links to a person or account that the sections above already show; any other one (a table added
# later) is listed under "other_records", so nothing linked to the person is left out of the download.
SHOWN_LINKS = frozenset({
    "user.person_id", "consent.person_id", "membership_delegate.person_id", "outbox_mail.person_id",
    "mail_preference.person_id", "attendance.person_id", "action_item.owner_id", "measure.proposer_person_id",
    "measure.responsible_person_id", "api_token.user_id", "audit_event.user_id", "hub_moderator.user_id",
    "process_steering.user_id",
    "import_batch.created_by_id", "session.minutes_approved_by_id", "minutes_revision.author_id",
    "measure.created_by_id", "measure_transition.by_id", "measure_comment.author_id", "plan_version.created_by_id",
    "plan_version.approved_by_id", "review_comment.author_id", "prioritisation_round.created_by_id",
    "ballot.voter_id",
})


def _other_records(person: Person) -> dict[str, list[dict[str, Any]]]:
    user = person.user
    found: dict[str, list[dict[str, Any]]] = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            targets = {fk.column.table.name for fk in column.foreign_keys}
            key = {"person": person.id, "user": user.id if user else None}
            target = next((t for t in targets if t in key), None)
            if target is None or key[target] is None or f"{table.name}.{column.name}" in SHOWN_LINKS:
                continue
            shown = [c for c in table.columns
                     if c.name not in SECRET_COLUMNS and not isinstance(c.type, LargeBinary)]
            rows = db.session.execute(select(*shown).where(column == key[target])).mappings()
            found.setdefault(table.name, []).extend(
                {name: _plain(value) for name, value in row.items()} for row in rows)
    return {name: rows for name, rows in found.items() if rows}


def export_person(person: Person) -> dict[str, Any]:
    """Everything the app holds about a person and everything linked to them, as plain data (never a
    password hash or a token's secret)."""
    user = person.user
    attendances = db.session.execute(select(Attendance, Session).join(Session).where(
        Attendance.person_id == person.id).order_by(Session.starts_at, Attendance.id))
    delegations = db.session.execute(select(HubMembership, Hub.name).join(Hub, Hub.id == HubMembership.hub_id).join(
        membership_delegate, membership_delegate.c.membership_id == HubMembership.id).where(
        membership_delegate.c.person_id == person.id).order_by(HubMembership.joined_at, HubMembership.id))
    items = db.session.execute(select(ActionItem, Session.title).join(Session).where(
        ActionItem.owner_id == person.id).order_by(ActionItem.id))
    mails = _rows(select(OutboxMail).where(OutboxMail.person_id == person.id).order_by(OutboxMail.id))
    traces = traces_of(person)
    import_rows = _import_rows_of(_without(traces, borne_by_others(person, traces)), names_too=True)
    data: dict[str, Any] = {
        "person": {
            "id": person.id, "name": person.name, "email": person.email, "function": person.function,
            "phone": person.phone, "organization": person.organization.name if person.organization else None,
            "organization_id": person.organization_id, "created_at": person.created_at.isoformat(),
            "anonymised_at": _plain(person.anonymised_at),
        },
        "account": _account(person),
        "registrations": _registrations(person),
        "consents": [
            {"purpose": c.purpose.value, "text_version": c.text_version, "given_at": c.given_at.isoformat(),
             "withdrawn_at": _plain(c.withdrawn_at)} for c in person.consents
        ],
        "mail_preferences": [{"kind": p.kind.value, "enabled": p.enabled} for p in _rows(
            select(MailPreference).where(MailPreference.person_id == person.id).order_by(MailPreference.id))],
        "attendance": [
            {"session_id": s.id, "session": s.title, "starts_at": s.starts_at.isoformat(), "status": a.status.value}
            for a, s in attendances
        ],
        "delegations": [
            {"membership_id": m.id, "organization": m.organization.name, "hub": hub, "process_id": m.process_id,
             "joined_at": m.joined_at.isoformat(), "left_at": _plain(m.left_at)} for m, hub in delegations
        ],
        "action_items": [
            {"id": i.id, "session_id": i.session_id, "session": title, "text": i.text, "due_on": _plain(i.due_on),
             "done": i.done, "done_at": _plain(i.done_at)} for i, title in items
        ],
        "proposed_measures": [{"id": m.id, "title": m.title, "status": m.status.value} for m in _rows(
            select(Measure).where(Measure.proposer_person_id == person.id).order_by(Measure.id))],
        "responsible_for_measures": [{"id": m.id, "title": m.title, "status": m.status.value} for m in _rows(
            select(Measure).where(Measure.responsible_person_id == person.id).order_by(Measure.id))],
        "mails": [
            {"id": m.id, "kind": m.kind.value, "to_address": m.to_address, "language": m.language,
             "subject": m.subject, "body_text": m.body_text, "status": m.status.value,
             "created_at": m.created_at.isoformat(), "sent_at": _plain(m.sent_at)} for m in mails
        ],
        "imports": [
            {"batch_id": batch.id, "filename": batch.filename, "session_id": batch.session_id, "hub_id": batch.hub_id,
             "created_at": batch.created_at.isoformat(),
             "row": {k: v for k, v in batch.rows[index].items() if k != "errors"}} for batch, index in import_rows
        ],
        "audit": {"about": [_audit_entry(e) for e in audit_about(person)], "by": []},
    }
    if user is not None:
        contributions = _contributions(user)
        data["audit"]["by"] = contributions.pop("audit_by")
        data.update(contributions)
    data["other_records"] = _other_records(person)
    return data


# --- anonymising -----------------------------------------------------------------------------------------

def _forget_in_audit(events: list[AuditEvent], traces: Traces, label: str) -> int:
    """Audit entries about the person keep what happened; every name and contact in them is replaced."""
    found = scrub.pattern(scrub.usable([*traces.names, *traces.emails, *traces.phones], min_length=1))
    changed = 0
    for event in events:
        changes = dict(event.changes or {})
        if event.object_type in ("person", "user"):
            for key in set(PERSONAL_FIELDS) & set(changes):
                value = changes[key]
                blank = label if key == "name" else None
                changes[key] = [blank for _v in value] if isinstance(value, list) else blank
        changes = scrub.replace_in(changes, found, label)
        summary = scrub.replace_in(event.summary or "", found, label)[:300]
        summary_message = scrub.replace_in(event.summary_message, found, label)  # an email in its parameters
        if changes != event.changes or summary != event.summary or summary_message != event.summary_message:
            event.changes, event.summary, event.summary_message = changes, summary, summary_message
            changed += 1
    return changed


def _forget_import_rows(traces: Traces, label: str) -> int:
    """Rows of imported lists that listed the person keep their organisation and status, not the person."""
    rows = _import_rows_of(traces, names_too=True)
    by_batch: dict[int, tuple[ImportBatch, set[int]]] = {}
    for batch, index in rows:
        by_batch.setdefault(batch.id, (batch, set()))[1].add(index)
    for batch, indexes in by_batch.values():
        batch.rows = [dict(row, name=label, email="", function="") if i in indexes else row
                      for i, row in enumerate(batch.rows)]
    return len(rows)


def _delete_mails(person: Person, traces: Traces) -> int:
    """Every mail of the person (queued ones are thus never sent), and mails to their addresses whose
    recipient record is gone."""
    orphaned = (OutboxMail.person_id.is_(None) & func.lower(OutboxMail.to_address).in_(traces.emails_lower)) \
        if traces.emails else False
    return db.session.execute(delete(OutboxMail).where(or_(OutboxMail.person_id == person.id, orphaned))).rowcount


def _close_account(user: User | None) -> int:
    """The login ends for good; its tokens are revoked (their names stay)."""
    if user is None:
        return 0
    user.is_active_account = False
    user.password_hash = None
    user.session_token = secrets.token_hex(16)  # logs them out everywhere
    user.locale = None
    db.session.execute(hub_moderator.delete().where(hub_moderator.c.user_id == user.id))
    db.session.execute(process_steering.delete().where(process_steering.c.user_id == user.id))
    return db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                              .values(revoked_at=utcnow())).rowcount


@guarded(can_anonymise, ONLY_ADMINS)
def anonymise(person: Person, *, by) -> dict[str, Any]:
    """Remove name and contact everywhere; contributions stay, attributed to a former participant.

    Returns (and audits) how many rows of each kind were changed or deleted.
    """
    if person.anonymised_at is not None:
        raise Conflict(_("This person has already been anonymised."))
    label = former_participant_name()
    about = audit_about(person)
    traces = traces_of(person, about)
    theirs_only = _without(traces, borne_by_others(person, traces))
    counts: dict[str, Any] = {
        "audit_events": _forget_in_audit(about, traces, label),
        "import_rows": _forget_import_rows(theirs_only, label),
        "mails_deleted": _delete_mails(person, theirs_only),
        "api_tokens_revoked": _close_account(person.user),
        "delegations_ended": db.session.execute(
            membership_delegate.delete().where(membership_delegate.c.person_id == person.id)).rowcount,
    }
    db.session.execute(delete(MailPreference).where(MailPreference.person_id == person.id))
    person.name = label
    person.email = person.phone = person.function = None
    person.anonymised_at = utcnow()
    db.session.flush()
    counts["elsewhere"] = scrub.replace_everywhere(
        [*theirs_only.names, *theirs_only.emails, *theirs_only.phones], label)
    db.session.expire_all()  # rows were changed behind the ORM's back
    record("anonymise", person, by=by, summary=f"person {person.id}", changes=counts, message=person_message(person))
    person_anonymised.send(person, by=by, counts=counts)
    return counts
