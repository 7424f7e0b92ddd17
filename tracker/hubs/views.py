"""Hub pages."""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from wtforms import SelectChoice

from tracker import caching
from tracker.accounts.models import Role, User
from tracker.errors import Conflict, Invalid, NotFound, StaleVersion
from tracker.extensions import db
from tracker.hubs import services
from tracker.hubs.forms import AddMemberForm, ChooseHubForm, HubForm
from tracker.hubs.models import Hub, HubMembership
from tracker.hubs.queries import current_membership, membership_history
from tracker.labels import choices
from tracker.measures.models import Measure
from tracker.organizations import services as directory
from tracker.organizations.models import Organization, OrganizationType, Person
from tracker.permissions import can_manage_hub, can_view_hub_sessions, can_view_process, is_internal, load
from tracker.processes.models import Process
from tracker.processes.queries import attendance_counts
from tracker.sessions.models import Session
from tracker.sessions.services import open_action_items_of_hub

bp = Blueprint("hubs", __name__, url_prefix="/hubs")


@bp.get("/<int:hub_id>")
@login_required
def show(hub_id: int):
    hub = load(Hub, hub_id, lambda user, hub: can_view_process(user, hub.process), options=[joinedload(Hub.process)])
    # What the viewer may see and do on the hub: the cached part is kept once per combination of these.
    may_edit = services.update_hub.allowed(current_user, hub)
    can_manage = can_manage_hub(current_user, hub)
    may_see_sessions = can_view_hub_sessions(current_user, hub)
    rights = (may_edit, can_manage, may_see_sessions)
    parts = caching.fragments(
        f"hub-{hub.id}", lambda: caching.render_parts("hubs/_show_parts.html", **_hub_parts(hub, *rights)),
        process_id=hub.process_id, areas=(caching.MEASURES, caching.SESSIONS, caching.PEOPLE),
        visibility=caching.INTERNAL if is_internal(current_user, hub.process) else caching.MEMBERS, vary=rights)
    return render_template("hubs/show.html", hub=hub, parts=parts, may_edit=may_edit, can_manage=can_manage)


def _hub_parts(hub: Hub, may_edit: bool, can_manage: bool, may_see_sessions: bool) -> dict:
    """What the hub page's cached part shows to a viewer with these rights (nothing of the viewer's own)."""
    by_type: dict = defaultdict(list)
    for organization in db.session.execute(
        select(Organization.id, Organization.name, Organization.type)
        .join(HubMembership, HubMembership.organization_id == Organization.id)
        .where(HubMembership.hub_id == hub.id, HubMembership.left_at.is_(None)).order_by(Organization.name)
    ):
        by_type[organization.type].append(organization)
    sessions = list(db.session.execute(
        select(Session.id, Session.number, Session.title, Session.starts_at, Session.status)
        .where(Session.hub_id == hub.id).order_by(Session.starts_at))) if may_see_sessions else []
    measures = list(db.session.execute(
        select(Measure.id, Measure.title, Measure.status).where(Measure.hub_id == hub.id)
        .order_by(Measure.created_at.desc(), Measure.id.desc())))
    return dict(
        hub=hub,
        lead_organizations=[o.name for o in hub.lead_organizations],
        moderators=[u.name for u in hub.moderators],
        members_by_type=dict(sorted(by_type.items(), key=lambda item: list(type(item[0])).index(item[0]))),
        member_count=sum(len(v) for v in by_type.values()),
        sessions=sessions,
        attendees=attendance_counts([s.id for s in sessions]),
        measures=measures,
        idea_count=len(measures),
        can_manage=can_manage,
        action_items=open_action_items_of_hub(hub) if may_see_sessions or can_manage else [],
        memberships=list(db.session.scalars(
            select(HubMembership).where(HubMembership.hub_id == hub.id, HubMembership.left_at.is_(None))
            .options(selectinload(HubMembership.delegates), contains_eager(HubMembership.organization))
            .join(Organization).order_by(Organization.name)
        )) if can_manage else [],
    )


# Management -----------------------------------------------------------------------------------

def _hub_form_choices(form: HubForm) -> None:
    form.lead_organization_ids.choices = [
        SelectChoice(o.id, o.name) for o in db.session.scalars(
            select(Organization).where(Organization.type != OrganizationType.COMPANY).order_by(Organization.name))]
    form.moderator_ids.choices = [
        SelectChoice(u.id, u.name) for u in db.session.scalars(
            select(User).join(User.person).where(User.role == Role.MODERATOR).order_by(Person.name))]


def _hub_fields(form: HubForm) -> dict:
    """The form's values as the hub services take them."""
    return dict(
        name=form.name.data, short_name=form.short_name.data, colour=form.colour.data,
        description=form.description.data or "", position=form.position.data,
        lead_organizations=list(db.session.scalars(
            select(Organization).where(Organization.id.in_(form.lead_organization_ids.data or [])))),
        moderators=list(db.session.scalars(select(User).where(User.id.in_(form.moderator_ids.data or [])))),
    )


def _refused(form, problem: Invalid | Conflict, default: str = "name") -> int:
    """Show a refusal of the service at its form field; the status the page answers with."""
    getattr(form, problem.field if problem.field in form else default).errors.append(str(problem))
    return problem.status


@contextmanager
def _shown_at(fields: dict[str, str]):
    """Refusals inside show at these form fields (the service's field name → the form's)."""
    try:
        yield
    except (Invalid, Conflict) as problem:
        problem.field = fields.get(problem.field or "", problem.field)
        raise


@bp.route("/new/<int:process_id>", methods=["GET", "POST"])
@login_required
def new(process_id: int):
    process = load(Process, process_id, services.create_hub.allowed)
    form = HubForm()
    _hub_form_choices(form)
    status = None
    if form.validate_on_submit():
        try:
            hub = services.create_hub(process, by=current_user, **_hub_fields(form))
        except (Invalid, Conflict) as problem:
            db.session.rollback()
            status = _refused(form, problem)
        else:
            db.session.commit()
            flash(_("The hub is created."), "success")
            return redirect(url_for(".show", hub_id=hub.id))
    return render_template("hubs/form.html", form=form, hub=None, process=process), \
        status or (400 if form.errors else 200)


@bp.route("/<int:hub_id>/edit", methods=["GET", "POST"])
@login_required
def edit(hub_id: int):
    hub = load(Hub, hub_id, services.update_hub.allowed)
    form = HubForm(obj=hub, version=hub.version, lead_organization_ids=[o.id for o in hub.lead_organizations],
                   moderator_ids=[u.id for u in hub.moderators])
    _hub_form_choices(form)
    status = None
    if form.validate_on_submit():
        try:
            services.update_hub(hub, by=current_user, expected_version=form.version.data, **_hub_fields(form))
        except StaleVersion:
            db.session.rollback()
            form.version.data = hub.version  # saving again now replaces what the other person saved
            return render_template("hubs/form.html", form=form, hub=hub, process=hub.process, conflict=True), 409
        except (Invalid, Conflict) as problem:
            db.session.rollback()
            status = _refused(form, problem)
        else:
            db.session.commit()
            flash(_("The hub is saved."), "success")
            return redirect(url_for(".show", hub_id=hub.id))
    return render_template("hubs/form.html", form=form, hub=hub, process=hub.process), \
        status or (400 if form.errors else 200)


@bp.route("/choose/<int:process_id>", methods=["GET", "POST"])
@login_required
def choose(process_id: int):
    """A company representative chooses (or changes) their organisation's hub; earlier choices stay as history."""
    process = load(Process, process_id, services.can_choose_hub)
    organization = current_user.organization
    current = current_membership(organization, process)
    form = ChooseHubForm(hub_id=current.hub_id if current else None)
    form.hub_id.choices = [SelectChoice(h.id, h.name) for h in db.session.scalars(
        select(Hub).where(Hub.process_id == process.id).order_by(Hub.position))]
    if form.validate_on_submit():
        hub = db.session.get(Hub, form.hub_id.data)
        services.move_to_hub(organization, hub, by=current_user)
        db.session.commit()
        flash(_("%(organization)s now works in the hub “%(hub)s”.", organization=organization.name, hub=hub.name),
              "success")
        return redirect(url_for(".show", hub_id=hub.id))
    return render_template("hubs/choose.html", form=form, process=process, organization=organization, current=current,
                           history=membership_history(organization, process)), 400 if form.errors else 200


def _member_form(formdata=None) -> AddMemberForm:
    form = AddMemberForm(formdata=formdata)
    form.organization_id.choices = [SelectChoice(0, _("— choose —"))] + [
        SelectChoice(o.id, o.name) for o in db.session.scalars(select(Organization).order_by(Organization.name))]
    form.new_organization_type.choices = choices(OrganizationType)
    return form


# Where a refusal of each step of adding a member is shown on the form.
NEW_ORGANIZATION_FIELDS = {"name": "new_organization", "sector": "new_organization_sector"}
DELEGATE_FIELDS = {"name": "delegate_name", "email": "delegate_email", "delegate_ids": "delegate_email",
                   "function": "delegate_function"}


@bp.route("/<int:hub_id>/members/add", methods=["GET", "POST"])
@login_required
def add_member(hub_id: int):
    hub = load(Hub, hub_id, can_manage_hub)
    form = _member_form(request.form if request.method == "POST" else None)
    status = None
    if request.method == "POST" and form.validate():
        try:
            membership = _add_member(hub, form)
        except (Invalid, Conflict) as problem:
            db.session.rollback()
            status = _refused(form, problem, "organization_id")
        else:
            db.session.commit()
            flash(_("%(organization)s is a member of the hub.", organization=membership.organization.name), "success")
            return redirect(url_for(".show", hub_id=hub.id))
    return render_template("hubs/add_member.html", hub=hub, form=form), \
        status or (400 if form.errors else 200)


def _add_member(hub: Hub, form: AddMemberForm) -> HubMembership:
    """The organisation (found, created or chosen), its membership and, if given, a delegate of it."""
    with _shown_at({"name": "new_organization", "sector": "new_organization_sector"}):
        if form.new_organization.data and form.new_organization.data.strip():
            organization, _created = directory.find_or_create_organization(
                form.new_organization.data, type=OrganizationType(form.new_organization_type.data),
                sector=form.new_organization_sector.data, by=current_user)
        elif form.organization_id.data:
            organization = db.session.get(Organization, form.organization_id.data)
        else:
            raise Invalid(_("Choose an organisation or enter a new one."), "organization_id")
    membership = services.join_hub(organization, hub, by=current_user)
    if form.delegate_name.data or form.delegate_email.data:
        with _shown_at({"name": "delegate_name", "email": "delegate_email", "delegate_ids": "delegate_email"}):
            person, _created = directory.find_or_create_person(
                form.delegate_name.data, form.delegate_email.data, organization, function=form.delegate_function.data,
                by=current_user)
            services.add_delegate(membership, person, by=current_user)
    return membership


@bp.post("/<int:hub_id>/members/<int:membership_id>/delegates/<int:person_id>/remove")
@login_required
def remove_delegate(hub_id: int, membership_id: int, person_id: int):
    hub = load(Hub, hub_id, can_manage_hub)
    membership = load(HubMembership, membership_id, services.remove_delegate.allowed)
    if membership.hub_id != hub.id:
        raise NotFound()
    services.remove_delegate(membership, load(Person, person_id), by=current_user)
    db.session.commit()
    return redirect(url_for(".show", hub_id=hub.id))
