"""Organisation pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from wtforms import SelectChoice

from tracker.arguments import search_text
from tracker.errors import Conflict, Invalid, NotAllowed, StaleVersion
from tracker.extensions import db
from tracker.hubs.models import HubMembership
from tracker.labels import choices
from tracker.measures.models import Measure
from tracker.organizations import services
from tracker.organizations.forms import OrganizationForm
from tracker.organizations.models import Organization, OrganizationType, SizeClass
from tracker.pagination import listing_page
from tracker.permissions import can_view_people_of, load

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.get("/")
@login_required
def index():
    statement = select(Organization).order_by(Organization.name)
    query = search_text(request.args.get("q"))
    kind = request.args.get("type", "")
    if query:
        statement = statement.where(func.lower(Organization.name).like(f"%{query.lower()}%"))
    if kind in {t.value for t in OrganizationType}:
        statement = statement.where(Organization.type == OrganizationType(kind))
    page = listing_page(statement)
    return render_template("organizations/index.html", page=page, query=query, kind=kind,
                           types=choices(OrganizationType), may_create=services.can_create_organizations(current_user))


@bp.get("/<int:organization_id>")
@login_required
def show(organization_id: int):
    organization = load(Organization, organization_id)
    memberships = list(db.session.scalars(
        select(HubMembership).where(HubMembership.organization_id == organization.id)
        .order_by(HubMembership.joined_at, HubMembership.id)
    ))
    measures = list(db.session.scalars(
        select(Measure).where(Measure.proposer_organization_id == organization.id).order_by(Measure.id)
    ))
    return render_template(
        "organizations/show.html",
        organization=organization,
        memberships=memberships,
        measures=measures,
        people=organization.people if can_view_people_of(current_user, organization) else None,
        may_edit=services.update_organization.allowed(current_user, organization),
    )


def _form(organization: Organization | None) -> OrganizationForm:
    form = OrganizationForm(obj=organization)
    form.type.choices = choices(OrganizationType)
    form.size_class.choices = [SelectChoice("", "—"), *choices(SizeClass)]
    if organization is not None and request.method == "GET":
        form.type.data = organization.type.value
        form.size_class.data = organization.size_class.value if organization.size_class else ""
    return form


def _fields(form: OrganizationForm) -> dict:
    """The form's values as the organisation services take them."""
    return dict(name=form.name.data, type=OrganizationType(form.type.data), sector=form.sector.data,
                size_class=SizeClass(form.size_class.data) if form.size_class.data else None,
                website=form.website.data, consents_to_be_named=form.consents_to_be_named.data)


def _refused(form: OrganizationForm, problem: Invalid | Conflict) -> int:
    """Show the service's refusal at its field (the input stays in the form); the page's status."""
    db.session.rollback()
    getattr(form, problem.field if problem.field in form else "name").errors.append(str(problem))
    return problem.status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not services.can_create_organizations(current_user):
        raise NotAllowed(services.ONLY_PARTNERS)
    form = _form(None)
    status = None
    if form.validate_on_submit():
        try:
            organization = services.create_organization(by=current_user, **_fields(form))
        except (Invalid, Conflict) as problem:
            status = _refused(form, problem)
        else:
            db.session.commit()
            flash(_("The organisation is saved."), "success")
            return redirect(url_for(".show", organization_id=organization.id))
    return render_template("organizations/form.html", form=form, organization=None), \
        status or (400 if form.errors else 200)


@bp.route("/<int:organization_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organization_id: int):
    organization = load(Organization, organization_id, services.update_organization.allowed)
    form = _form(organization)
    if request.method == "GET":
        form.version.data = organization.version
    status = None
    if form.validate_on_submit():
        try:
            services.update_organization(organization, by=current_user, expected_version=form.version.data,
                                         **_fields(form))
        except StaleVersion:
            db.session.rollback()
            form.version.data = organization.version  # saving again now replaces what the other person saved
            return render_template("organizations/form.html", form=form, organization=organization,
                                   conflict=True), 409
        except (Invalid, Conflict) as problem:
            status = _refused(form, problem)
        else:
            db.session.commit()
            flash(_("The organisation is saved."), "success")
            return redirect(url_for(".show", organization_id=organization.id))
    return render_template("organizations/form.html", form=form, organization=organization), \
        status or (400 if form.errors else 200)
