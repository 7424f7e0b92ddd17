"""Hub pages."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from tracker.accounts.models import Role, User
from tracker.audit.services import changed_fields, record
from tracker.extensions import db
from tracker.hubs import services
from tracker.hubs.forms import AddMemberForm, ChooseHubForm, HubForm
from tracker.hubs.models import Hub, HubMembership
from tracker.labels import choices
from tracker.measures.models import Measure
from tracker.organizations.models import Organization, OrganizationType, Person
from tracker.organizations.services import DirectoryProblem, find_or_create_organization, find_or_create_person
from tracker.permissions import can_manage_hub, can_view_process, can_view_session, is_steering, require
from tracker.processes.models import Process
from tracker.processes.queries import attendance_counts
from tracker.sessions.models import Session
from tracker.sessions.services import open_action_items_of_hub

bp = Blueprint("hubs", __name__, url_prefix="/hubs")


@bp.get("/<int:hub_id>")
@login_required
def show(hub_id: int):
    hub = db.get_or_404(Hub, hub_id)
    require(can_view_process(current_user, hub.process))
    members = db.session.scalars(
        select(Organization).join(HubMembership, HubMembership.organization_id == Organization.id)
        .where(HubMembership.hub_id == hub.id, HubMembership.left_at.is_(None)).order_by(Organization.name)
    )
    by_type: dict = defaultdict(list)
    for organization in members:
        by_type[organization.type].append(organization)
    sessions = list(db.session.scalars(select(Session).where(Session.hub_id == hub.id).order_by(Session.starts_at)))
    may_see_sessions = bool(sessions) and can_view_session(current_user, sessions[0])
    measures = list(db.session.scalars(
        select(Measure).where(Measure.hub_id == hub.id).order_by(Measure.created_at.desc(), Measure.id.desc())
    ))
    return render_template(
        "hubs/show.html",
        hub=hub,
        members_by_type=dict(sorted(by_type.items(), key=lambda item: list(type(item[0])).index(item[0]))),
        member_count=sum(len(v) for v in by_type.values()),
        sessions=sessions if may_see_sessions else [],
        attendees=attendance_counts([s.id for s in sessions]) if may_see_sessions else {},
        measures=measures,
        idea_count=db.session.scalar(select(func.count()).where(Measure.hub_id == hub.id)),
        can_manage=can_manage_hub(current_user, hub),
        action_items=open_action_items_of_hub(hub) if may_see_sessions or can_manage_hub(current_user, hub) else [],
        memberships=list(db.session.scalars(
            select(HubMembership).where(HubMembership.hub_id == hub.id, HubMembership.left_at.is_(None))
            .options(selectinload(HubMembership.delegates)).join(Organization).order_by(Organization.name)
        )) if can_manage_hub(current_user, hub) else [],
        may_edit=is_steering(current_user, hub.process),
    )


# Management -----------------------------------------------------------------------------------

def _hub_form_choices(form: HubForm) -> None:
    form.lead_organization_ids.choices = [
        SelectChoice(o.id, o.name) for o in db.session.scalars(
            select(Organization).where(Organization.type != OrganizationType.COMPANY).order_by(Organization.name))]
    form.moderator_ids.choices = [
        SelectChoice(u.id, u.name) for u in db.session.scalars(
            select(User).join(User.person).where(User.role == Role.MODERATOR).order_by(Person.name))]


def _apply_hub_form(hub: Hub, form: HubForm) -> None:
    hub.name = form.name.data.strip()
    hub.short_name = form.short_name.data.strip()
    hub.colour = form.colour.data
    hub.description = form.description.data or ""
    hub.position = form.position.data or 0
    hub.lead_organizations = list(db.session.scalars(
        select(Organization).where(Organization.id.in_(form.lead_organization_ids.data or []))))
    hub.moderators = list(db.session.scalars(select(User).where(User.id.in_(form.moderator_ids.data or []))))


def _name_taken(process_id: int, name: str, hub_id: int | None = None) -> bool:
    return db.session.scalar(select(Hub.id).where(Hub.process_id == process_id, Hub.name == name.strip(),
                                                  Hub.id != (hub_id or 0))) is not None


@bp.route("/new/<int:process_id>", methods=["GET", "POST"])
@login_required
def new(process_id: int):
    process = db.get_or_404(Process, process_id)
    require(is_steering(current_user, process))
    form = HubForm()
    _hub_form_choices(form)
    if form.validate_on_submit():
        if _name_taken(process.id, form.name.data):
            form.name.errors.append(_("The process already has a hub with this name."))
        else:
            hub = Hub(process_id=process.id)
            with db.session.no_autoflush:
                _apply_hub_form(hub, form)
            db.session.add(hub)
            db.session.flush()
            record("create", hub, by=current_user, summary=hub.name)
            db.session.commit()
            flash(_("The hub is created."), "success")
            return redirect(url_for(".show", hub_id=hub.id))
    return render_template("hubs/form.html", form=form, hub=None, process=process), 400 if form.errors else 200


@bp.route("/<int:hub_id>/edit", methods=["GET", "POST"])
@login_required
def edit(hub_id: int):
    hub = db.get_or_404(Hub, hub_id)
    require(is_steering(current_user, hub.process))
    form = HubForm(obj=hub, version=hub.version, lead_organization_ids=[o.id for o in hub.lead_organizations],
                   moderator_ids=[u.id for u in hub.moderators])
    _hub_form_choices(form)
    if form.validate_on_submit():
        if str(hub.version) != (form.version.data or ""):
            return render_template("hubs/form.html", form=form, hub=hub, process=hub.process, conflict=True), 409
        if _name_taken(hub.process_id, form.name.data, hub.id):
            form.name.errors.append(_("The process already has a hub with this name."))
        else:
            _apply_hub_form(hub, form)
            record("update", hub, by=current_user, changes=changed_fields(hub), summary=hub.name)
            db.session.commit()
            flash(_("The hub is saved."), "success")
            return redirect(url_for(".show", hub_id=hub.id))
    return render_template("hubs/form.html", form=form, hub=hub, process=hub.process), 400 if form.errors else 200


@bp.route("/choose/<int:process_id>", methods=["GET", "POST"])
@login_required
def choose(process_id: int):
    """A company representative chooses (or changes) their organisation's hub; earlier choices stay as history."""
    process = db.get_or_404(Process, process_id)
    organization = current_user.organization
    require(organization is not None)
    current = services.current_membership(organization, process)
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
                           history=services.membership_history(organization, process)), 400 if form.errors else 200


def _member_form(formdata=None) -> AddMemberForm:
    form = AddMemberForm(formdata=formdata)
    form.organization_id.choices = [SelectChoice(0, _("— choose —"))] + [
        SelectChoice(o.id, o.name) for o in db.session.scalars(select(Organization).order_by(Organization.name))]
    form.new_organization_type.choices = choices(OrganizationType)
    return form


@bp.route("/<int:hub_id>/members/add", methods=["GET", "POST"])
@login_required
def add_member(hub_id: int):
    hub = db.get_or_404(Hub, hub_id)
    require(can_manage_hub(current_user, hub))
    form = _member_form(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            membership = _add_member(hub, form)
        except (services.MembershipConflict, DirectoryProblem) as problem:
            form.organization_id.errors.append(str(problem))
        else:
            db.session.commit()
            flash(_("%(organization)s is a member of the hub.", organization=membership.organization.name), "success")
            return redirect(url_for(".show", hub_id=hub.id))
    return render_template("hubs/add_member.html", hub=hub, form=form), 400 if form.errors else 200


def _add_member(hub: Hub, form: AddMemberForm):
    if form.new_organization.data and form.new_organization.data.strip():
        organization, _created = find_or_create_organization(
            form.new_organization.data, type=OrganizationType(form.new_organization_type.data),
            sector=form.new_organization_sector.data, by=current_user)
    elif form.organization_id.data:
        organization = db.session.get(Organization, form.organization_id.data)
    else:
        raise DirectoryProblem(_("Choose an organisation or enter a new one."))
    membership = services.join_hub(organization, hub, by=current_user)
    if form.delegate_name.data or form.delegate_email.data:
        person, _created = find_or_create_person(form.delegate_name.data, form.delegate_email.data, organization,
                                                 function=form.delegate_function.data, by=current_user)
        services.add_delegate(membership, person, by=current_user)
    return membership


@bp.post("/<int:hub_id>/members/<int:membership_id>/delegates/<int:person_id>/remove")
@login_required
def remove_delegate(hub_id: int, membership_id: int, person_id: int):
    hub = db.get_or_404(Hub, hub_id)
    require(can_manage_hub(current_user, hub))
    membership = db.get_or_404(HubMembership, membership_id)
    if membership.hub_id != hub.id:
        abort(404)
    services.remove_delegate(membership, db.get_or_404(Person, person_id), by=current_user)
    db.session.commit()
    return redirect(url_for(".show", hub_id=hub.id))
