"""Public event pages, the public registration form, and the administrators' decisions on registrations."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

import tracker.registration.labels  # noqa: F401  (registers the request status labels)
from tracker.arguments import object_id
from tracker.errors import Conflict, Invalid, NotFound
from tracker.extensions import db, limiter
from tracker.hubs.models import Hub
from tracker.hubs.queries import current_membership
from tracker.labels import choices
from tracker.organizations.models import Organization, OrganizationType
from tracker.permissions import find, load, require
from tracker.processes import queries
from tracker.processes.models import Process
from tracker.registration import services
from tracker.registration.forms import NEW, ApprovalForm, RegistrationForm, RejectionForm
from tracker.registration.models import RegistrationDelegate, RegistrationRequest
from tracker.sessions.models import Session, SessionKind

bp = Blueprint("registration", __name__)

PUBLIC_KINDS = (SessionKind.KICKOFF, SessionKind.PLENARY, SessionKind.PRIORITISATION)


@bp.get("/events/<int:session_id>")
def event(session_id: int):
    """A process-wide event as the public sees it (steering meetings and hub workshops are not public)."""
    session = load(Session, session_id)
    if session.hub_id is not None or session.kind not in PUBLIC_KINDS:
        abort(404)
    return render_template("registration/event.html", event=session, process=session.process,
                           hubs=queries.hubs_with_leads(session.process))


# The public form ----------------------------------------------------------------------------------

DELEGATE_FIELD = re.compile(r"delegates-(\d{1,2})-")


def _contiguous_rows(formdata):
    """The form data with every delegate row up to the last one sent: WTForms renumbers rows with gaps (a
    browser leaves out none, but a middle row left empty by a script would shift the rows after it)."""
    if formdata is None:
        return None
    indices = {int(m.group(1)) for key in formdata for m in [DELEGATE_FIELD.match(key)] if m}
    missing = [i for i in range(max(indices, default=-1) + 1) if i not in indices]
    if not missing:
        return formdata
    formdata = MultiDict(formdata)
    for index in missing:
        formdata[f"delegates-{index}-name"] = ""
    return formdata


def _form(process: Process, formdata=None) -> RegistrationForm:
    form = RegistrationForm(formdata=_contiguous_rows(formdata), hub_id=request.args.get("hub", type=int))
    form.organization_type.choices = choices(OrganizationType)
    form.hub_id.choices = [SelectChoice(h.id, h.name) for h in queries.hubs_with_leads(process)]
    return form


def _field_named(form, name: str):
    """The form field a service's refusal names: a plain field, or one of a delegate row (`delegates-1-email`)."""
    prefix, _sep, rest = name.partition("-")
    if prefix == "delegates" and rest:
        index, _sep, sub = rest.partition("-")
        if index.isdigit() and int(index) < len(form.delegates.entries):
            return getattr(form.delegates.entries[int(index)].form, sub, None)
        return None
    return getattr(form, name, None) if name else None


def _show_problem(form, problem: Invalid | Conflict, fallback: str) -> None:
    field = _field_named(form, problem.field or "") or getattr(form, fallback)
    field.errors = [*field.errors, str(problem)]


def _registration_limit() -> str:
    return current_app.config.get("RATELIMIT_REGISTRATION", "10 per hour")


@bp.route("/p/<int:process_id>/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
def register(process_id: int):
    """File a registration request; nothing else is written until an administrator approves it."""
    process = load(Process, process_id)
    form = _form(process, request.form if request.method == "POST" else None)
    event = services.kickoff_of(process)
    status = 200
    if request.method == "POST" and "add_delegate" in request.form:  # another empty row; nothing is checked yet
        if len(form.delegates.entries) < form.delegates.max_entries:
            form.delegates.append_entry()
    elif request.method == "POST":
        status = 400
        if form.validate():
            try:
                services.request_registration(
                    process, hub=find(Hub, form.hub_id.data), name=form.name.data, email=form.email.data,
                    function=form.function.data, organization_name=form.organization_name.data,
                    organization_type=OrganizationType(form.organization_type.data),
                    organization_sector=form.organization_sector.data,
                    consent_contact=form.consent_contact.data, consent_named=form.consent_named.data,
                    delegates=form.delegates.data, consent_delegates=form.consent_delegates.data,
                    language=str(get_locale()))
            except (Invalid, Conflict) as problem:
                db.session.rollback()
                _show_problem(form, problem, "email")
                status = problem.status
            else:
                db.session.commit()
                return render_template("registration/thanks.html", process=process, event=event)
    return render_template("registration/register.html", form=form, process=process, event=event,
                           max_delegates=form.delegates.max_entries), status


# The administrators' side -------------------------------------------------------------------------

@bp.get("/admin/registrations")
@login_required
def pending():
    """Registrations by status (open by default: a decided one leaves this list) and event, with the counts
    of every event."""
    require(services.can_decide(current_user))
    shown = request.args.get("status", "open")
    if shown not in services.STATUS_FILTERS:
        shown = "open"
    event = None
    if request.args.get("event"):
        event = find(Session, object_id(request.args["event"]))
        if event is None:
            raise NotFound()
    return render_template("registration/pending.html", shown=shown, event=event,
                           requests=services.requests_where(services.STATUS_FILTERS[shown],
                                                            event.id if event else None),
                           counts=services.counts_by_event())


@bp.get("/admin/registrations/decided")
@login_required
def decided():
    """Approved and rejected registrations: who decided when, and what they became."""
    require(services.can_decide(current_user))
    return render_template("registration/decided.html", requests=services.decided_requests())


def _label(organization: Organization, process: Process) -> str:
    membership = current_membership(organization, process)
    if membership is None:
        return organization.name
    return _("%(organization)s (works in “%(hub)s”)", organization=organization.name, hub=membership.hub.name)


def _approval_form(registration: RegistrationRequest, formdata=None) -> ApprovalForm:
    """The organisation choice: a new one as typed, the suggestions (same or similar name), all others."""
    suggested = services.suggestions(registration)
    likely = services.likely_match(registration)
    form = ApprovalForm(formdata=formdata, organization_id=str(likely.id) if likely else NEW,
                        consents_to_be_named=registration.consent_named)
    suggested_ids = {o.id for o in suggested}
    others = db.session.scalars(select(Organization).where(Organization.id.not_in(suggested_ids))
                                .order_by(Organization.name)).all()
    process = registration.process
    form.organization_id.choices = {
        _("New"): [(NEW, _("Create “%(name)s” as a new organisation", name=registration.organization_name))],
        _("Suggested (same or similar name)"): [(str(o.id), _label(o, process)) for o in suggested],
        _("All other organisations"): [(str(o.id), _label(o, process)) for o in others],
    }
    return form


def _decision_page(registration: RegistrationRequest, approval: ApprovalForm | None = None,
                   rejection: RejectionForm | None = None, problem: str | None = None, status: int = 200):
    suggested = services.suggestions(registration) if registration.is_pending else []
    notes = [note for o in suggested for note in (services.hub_conflict(registration, o),) if note]
    if registration.is_pending:
        notes += [note for o in suggested[:1] or [None] for note in (services.delegate_conflict(registration, o),)
                  if note]
    email_note = services.email_conflict(registration, None) if registration.is_pending else None
    return render_template(
        "registration/show.html", registration=registration, suggested=suggested, notes=notes,
        email_note=email_note, problem=problem, invitable=services.invitable,
        approval=approval or (_approval_form(registration) if registration.is_pending else None),
        rejection=rejection or (RejectionForm(formdata=None) if registration.is_pending else None)), status


@bp.get("/admin/registrations/<int:request_id>")
@login_required
def show(request_id: int):
    """One request: what was typed, which known organisations it may mean, and the two decisions."""
    registration = load(RegistrationRequest, request_id, services.can_decide)
    return _decision_page(registration)


@bp.post("/admin/registrations/<int:request_id>/<any(approve, reject):decision>")
@login_required
def decide(request_id: int, decision: str):
    registration = load(RegistrationRequest, request_id,
                        services.approve.allowed if decision == "approve" else services.reject.allowed)
    if decision == "reject":
        return _reject(registration)
    form = _approval_form(registration, request.form)
    if not form.validate():
        return _decision_page(registration, approval=form, status=400)
    choice = form.organization_id.data
    try:
        approval = services.approve(
            registration, by=current_user, create_new=choice == NEW,
            organization=None if choice == NEW else find(Organization, int(choice)),
            consents_to_be_named=form.consents_to_be_named.data, keep_current_hub=form.keep_current_hub.data)
    except (Invalid, Conflict) as problem:
        db.session.rollback()
        if getattr(form, problem.field or "", None) is None:
            return _decision_page(registration, approval=form, problem=str(problem), status=problem.status)
        _show_problem(form, problem, "organization_id")
        return _decision_page(registration, approval=form, status=problem.status)
    db.session.commit()
    flash(_approved_message(approval), "success")
    if approval.attendances:
        flash(ngettext("%(num)d person is registered for “%(event)s” and received the calendar entry.",
                       "%(num)d people are registered for “%(event)s”; each received the calendar entry.",
                       len(approval.attendances), event=registration.event.title), "success")
    return redirect(url_for(".pending"))


def _approved_message(approval) -> str:
    """What the administrator reads after approving: the set-password mail went out by itself (approving
    queued it), so there is nothing left to send by hand."""
    names = dict(name=approval.person.name, organization=approval.organization.name,
                 hub=approval.membership.hub.name, email=approval.user.email)
    if current_app.config.get("MAIL_SERVER"):
        return _("Approved: %(name)s for %(organization)s in the hub “%(hub)s”. The mail with the link to set a "
                 "password has been sent to %(email)s automatically; there is nothing more for you to do.", **names)
    return _("Approved: %(name)s for %(organization)s in the hub “%(hub)s”. The mail with the link to set a "
             "password to %(email)s has been put into the outbox automatically; it is sent as soon as a mail "
             "server is configured (Administration → Outbox).", **names)


def _reject(registration: RegistrationRequest):
    form = RejectionForm()
    if not form.validate():
        return _decision_page(registration, rejection=form, status=400)
    try:
        services.reject(registration, by=current_user, reason=form.reason.data)
    except (Invalid, Conflict) as problem:
        db.session.rollback()
        _show_problem(form, problem, "reason")
        return _decision_page(registration, rejection=form, status=problem.status)
    db.session.commit()
    flash(_("The registration is rejected; the person's details in it are deleted."), "info")
    return redirect(url_for(".pending"))


@bp.post("/admin/registrations/delegates/<int:delegate_id>/invite")
@login_required
def invite_delegate(delegate_id: int):
    """A further delegate of an approved registration gets an account: the set-password mail goes out."""
    delegate = load(RegistrationDelegate, delegate_id, services.invite_delegate.allowed)
    try:
        user = services.invite_delegate(delegate, by=current_user)
    except (Invalid, Conflict) as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(".show", request_id=delegate.request_id)), problem.status
    db.session.commit()
    flash(_("%(name)s has an account now; the link to set a password has been mailed to %(email)s.",
            name=user.name, email=user.email), "success")
    return redirect(url_for(".show", request_id=delegate.request_id))
