"""Public event pages and the registration of company representatives; pending accounts for admins."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from tracker.accounts.models import Role, User
from tracker.accounts.services import create_set_password_link
from tracker.audit.services import record
from tracker.extensions import db, limiter
from tracker.hubs.models import Hub
from tracker.labels import choices
from tracker.organizations.models import Organization, OrganizationType, Person
from tracker.permissions import is_admin, require
from tracker.processes import queries
from tracker.processes.models import Process
from tracker.registration import services
from tracker.registration.forms import RegistrationForm
from tracker.sessions.models import Session, SessionKind

bp = Blueprint("registration", __name__)

PUBLIC_KINDS = (SessionKind.KICKOFF, SessionKind.PLENARY, SessionKind.PRIORITISATION)


@bp.get("/events/<int:session_id>")
def event(session_id: int):
    """A process-wide event as the public sees it (steering meetings and hub workshops are not public)."""
    session = db.get_or_404(Session, session_id)
    if session.hub_id is not None or session.kind not in PUBLIC_KINDS:
        abort(404)
    return render_template("registration/event.html", event=session, process=session.process,
                           hubs=queries.hubs_with_leads(session.process))


def _form(process: Process, formdata=None) -> RegistrationForm:
    form = RegistrationForm(formdata=formdata, hub_id=request.args.get("hub", type=int))
    form.organization_id.choices = [SelectChoice(0, _("— not in the list —"))] + [
        SelectChoice(o.id, o.name) for o in db.session.scalars(
            select(Organization).where(Organization.type == OrganizationType.COMPANY).order_by(Organization.name))]
    form.new_organization_type.choices = choices(OrganizationType)
    form.hub_id.choices = [SelectChoice(h.id, h.name) for h in queries.hubs_with_leads(process)]
    return form


def _registration_limit() -> str:
    return current_app.config.get("RATELIMIT_REGISTRATION", "10 per hour")


@bp.route("/p/<int:process_id>/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
def register(process_id: int):
    process = db.get_or_404(Process, process_id)
    form = _form(process, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            services.register(
                hub=db.session.get(Hub, form.hub_id.data), name=form.name.data.strip(), email=form.email.data,
                function=form.function.data, organization=db.session.get(Organization, form.organization_id.data)
                if form.organization_id.data else None, new_organization=form.new_organization.data,
                new_organization_type=OrganizationType(form.new_organization_type.data),
                new_organization_sector=form.new_organization_sector.data,
                consent_contact=form.consent_contact.data, consent_named=form.consent_named.data)
        except services.RegistrationProblem as problem:
            db.session.rollback()
            getattr(form, problem.field).errors.append(str(problem))
        else:
            db.session.commit()
            return render_template("registration/thanks.html", process=process)
    return render_template("registration/register.html", form=form, process=process), 400 if form.errors else 200


@bp.get("/admin/registrations")
@login_required
def pending():
    """Accounts that have no password yet: the admin passes on their set-password link, or rejects them."""
    require(is_admin(current_user))
    users = db.session.scalars(select(User).join(User.person).where(
        User.password_hash.is_(None), User.is_active_account.is_(True), User.role == Role.COMPANY
    ).order_by(User.created_at.desc())).all()
    return render_template("registration/pending.html", users=users)


@bp.post("/admin/registrations/<int:user_id>/<any(approve, reject):decision>")
@login_required
def decide(user_id: int, decision: str):
    require(is_admin(current_user))
    user = db.get_or_404(User, user_id)
    if decision == "reject":
        user.is_active_account = False
        record("reject_registration", user, by=current_user)
        db.session.commit()
        flash(_("The registration of %(name)s is rejected.", name=user.name), "info")
    else:
        link = create_set_password_link(user, by=current_user)
        record("approve_registration", user, by=current_user)
        db.session.commit()
        flash(_("Approved. Send %(name)s this link to set a password (valid for 7 days): %(link)s",
                name=user.name, link=link), "success")
    return redirect(url_for(".pending"))


__all__ = ["Person", "bp"]
