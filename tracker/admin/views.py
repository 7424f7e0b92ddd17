"""User administration: accounts, roles, moderated hubs, set-password links."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from wtforms import SelectChoice

from tracker.accounts import services
from tracker.accounts.forms import UserForm
from tracker.accounts.models import Role, User
from tracker.arguments import object_id, search_text
from tracker.audit.models import AuditEvent
from tracker.audit.readable import readable
from tracker.errors import Conflict, Invalid
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.labels import action_label, object_label
from tracker.organizations.models import Organization, Person
from tracker.pagination import listing_page
from tracker.permissions import is_admin, load, require
from tracker.processes.models import Process

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    require(is_admin(current_user))


def _fill_choices(form: UserForm) -> None:
    organizations = db.session.execute(select(Organization.id, Organization.name).order_by(Organization.name))
    form.organization_id.choices = [SelectChoice(0, _("— none —"))] + [
        SelectChoice(row.id, row.name) for row in organizations
    ]
    hubs = db.session.execute(
        select(Hub.id, Hub.name, Process.name.label("process")).join(Process).order_by(Process.id, Hub.position)
    )
    form.hub_ids.choices = [SelectChoice(row.id, f"{row.process}: {row.name}") for row in hubs]


@bp.get("/users")
def users():
    query = search_text(request.args.get("q"))
    statement = select(User).join(User.person).order_by(Person.name)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(Person.name).like(pattern), Person.email.like(pattern)))
    page = listing_page(statement)
    return render_template("admin/users.html", page=page, query=query)


def _account_fields(form: UserForm) -> dict:
    """The form's values as the account services take them."""
    return dict(
        name=form.name.data, email=form.email.data, function=form.function.data, role=Role(form.role.data),
        organization=db.session.get(Organization, form.organization_id.data) if form.organization_id.data else None,
        is_active=form.is_active.data,
        moderated_hubs=list(db.session.scalars(select(Hub).where(Hub.id.in_(form.hub_ids.data or [])))),
    )


def _refused(form: UserForm, problem: Invalid | Conflict) -> int:
    """Show the service's refusal at its field (the input stays in the form); the page's status."""
    db.session.rollback()
    getattr(form, problem.field if problem.field in form else "email").errors.append(str(problem))
    return problem.status


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    _fill_choices(form)
    status = None
    if form.validate_on_submit():
        try:
            user = services.create_user(by=current_user, **_account_fields(form))
        except (Invalid, Conflict) as problem:
            status = _refused(form, problem)
        else:
            db.session.commit()
            flash(_("The account for %(name)s is created. Send them the link to set their password.",
                    name=user.name), "success")
            return redirect(url_for(".edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None), status or (400 if form.errors else 200)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = load(User, user_id, services.update_user.allowed)
    person = user.person
    form = UserForm(
        obj=person, role=user.role.value, organization_id=person.organization_id or 0,
        hub_ids=[hub.id for hub in user.moderated_hubs], is_active=user.is_active_account,
    )
    _fill_choices(form)
    status = None
    if form.validate_on_submit():
        try:
            services.update_user(user, by=current_user, **_account_fields(form))
        except (Invalid, Conflict) as problem:
            status = _refused(form, problem)
        else:
            db.session.commit()
            flash(_("The account is saved."), "success")
            return redirect(url_for(".edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user), status or (400 if form.errors else 200)


@bp.post("/users/<int:user_id>/set-password-link")
def set_password_link(user_id: int):
    """Show a link the admin passes on; it works once, for a week."""
    user = load(User, user_id, services.create_set_password_link.allowed)
    link = services.create_set_password_link(user, by=current_user)
    db.session.commit()
    flash(_("Link to set the password of %(name)s (valid for 7 days): %(link)s", name=user.name, link=link), "info")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.get("/audit")
def audit():
    """The audit trail, searchable; read-only (there is no route that changes it)."""
    args = request.args
    action, object_type = search_text(args.get("action")), search_text(args.get("object_type"))
    user, query = search_text(args.get("user")).lower(), search_text(args.get("q")).lower()
    target = object_id(args.get("object_id"))
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        statement = statement.where(AuditEvent.action == action)
    if object_type:
        statement = statement.where(AuditEvent.object_type == object_type)
    if target is not None:
        statement = statement.where(AuditEvent.object_id == target)
    if user:
        statement = statement.join(User, User.id == AuditEvent.user_id).join(Person).where(
            or_(Person.email.contains(user), func.lower(Person.name).contains(user)))
    if query:
        statement = statement.where(func.lower(AuditEvent.summary).contains(query))
    for key, operator in (("from", "__ge__"), ("to", "__lt__")):
        try:
            day = date.fromisoformat(args.get(key, ""))
        except ValueError:
            continue
        bound = datetime.combine(day + (timedelta(days=1) if key == "to" else timedelta()), time.min)
        statement = statement.where(getattr(AuditEvent.at, operator)(bound))
    page = listing_page(statement)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    types = db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)).all()
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({e.user_id for e in page.items if e.user_id})))}
    return render_template("admin/audit.html", page=page, args=args, actions=actions, types=types, users=users,
                           events=[readable(event) for event in page.items], action_label=action_label,
                           object_label=object_label)
