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
from tracker.accounts.signals import set_password_link_created
from tracker.audit.models import AuditEvent
from tracker.audit.services import changed_fields, record
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.organizations.models import Organization, Person
from tracker.permissions import is_admin, require
from tracker.processes.models import Process
from tracker.urls import public_url

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
    query = request.args.get("q", "").strip()
    statement = select(User).join(User.person).order_by(Person.name)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(Person.name).like(pattern), Person.email.like(pattern)))
    page = db.paginate(statement, per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, query=query)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                name=form.name.data.strip(), email=form.email.data, role=Role(form.role.data),
                organization=db.session.get(Organization, form.organization_id.data) if form.organization_id.data
                else None,
                function=(form.function.data or "").strip() or None, by=current_user,
            )
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            user.is_active_account = form.is_active.data
            user.moderated_hubs = _selected_hubs(form)
            db.session.commit()
            flash(_("The account for %(name)s is created. Send them the link to set their password.",
                    name=user.name), "success")
            return redirect(url_for(".edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None), 400 if form.errors else 200


def _selected_hubs(form: UserForm) -> list[Hub]:
    if form.role.data != Role.MODERATOR.value or not form.hub_ids.data:
        return []
    return list(db.session.scalars(select(Hub).where(Hub.id.in_(form.hub_ids.data))))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    person = user.person
    form = UserForm(
        obj=person, role=user.role.value, organization_id=person.organization_id or 0,
        hub_ids=[hub.id for hub in user.moderated_hubs], is_active=user.is_active_account,
    )
    _fill_choices(form)
    if form.validate_on_submit():
        email = services.normalise_email(form.email.data)
        clash = db.session.scalar(select(Person).where(Person.email == email, Person.id != person.id))
        if clash is not None:
            form.email.errors.append(_("Another person already uses this email."))
        elif user.id == current_user.id and (form.role.data != Role.ADMIN.value or not form.is_active.data):
            form.role.errors.append(_("You cannot take away your own administrator rights."))
        else:
            person.name = form.name.data.strip()
            person.email = email
            person.function = (form.function.data or "").strip() or None
            person.organization_id = form.organization_id.data or None
            user.role = Role(form.role.data)
            user.is_active_account = form.is_active.data
            changes = changed_fields(user) | changed_fields(person)
            user.moderated_hubs = _selected_hubs(form)
            record("update", user, by=current_user, changes=changes,
                   summary=f"{email}: {', '.join(changes) or 'hubs'}")
            db.session.commit()
            flash(_("The account is saved."), "success")
            return redirect(url_for(".edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user), 400 if form.errors else 200


@bp.post("/users/<int:user_id>/set-password-link")
def set_password_link(user_id: int):
    """Show a link the admin passes on; it works once, for a week."""
    user = db.get_or_404(User, user_id)
    link = public_url("accounts.set_password", token=services.set_password_token(user))
    record("set_password_link", user, by=current_user)
    set_password_link_created.send(user, link=link, by=current_user)
    db.session.commit()
    flash(_("Link to set the password of %(name)s (valid for 7 days): %(link)s", name=user.name, link=link), "info")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.get("/audit")
def audit():
    """The audit trail, searchable; read-only (there is no route that changes it)."""
    args = request.args
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if args.get("action"):
        statement = statement.where(AuditEvent.action == args["action"])
    if args.get("object_type"):
        statement = statement.where(AuditEvent.object_type == args["object_type"])
    if args.get("object_id", "").isdigit():
        statement = statement.where(AuditEvent.object_id == int(args["object_id"]))
    if args.get("user"):
        statement = statement.join(User, User.id == AuditEvent.user_id).join(Person).where(
            or_(Person.email.contains(args["user"].strip().lower()),
                func.lower(Person.name).contains(args["user"].strip().lower())))
    if args.get("q"):
        statement = statement.where(func.lower(AuditEvent.summary).contains(args["q"].strip().lower()[:200]))
    for key, operator in (("from", "__ge__"), ("to", "__lt__")):
        try:
            day = date.fromisoformat(args.get(key, ""))
        except ValueError:
            continue
        bound = datetime.combine(day + (timedelta(days=1) if key == "to" else timedelta()), time.min)
        statement = statement.where(getattr(AuditEvent.at, operator)(bound))
    page = db.paginate(statement, per_page=50, error_out=False)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    types = db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)).all()
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({e.user_id for e in page.items if e.user_id})))}
    return render_template("admin/audit.html", page=page, args=args, actions=actions, types=types, users=users)
