"""Organisation pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from wtforms import SelectChoice

from tracker.extensions import db
from tracker.hubs.models import HubMembership
from tracker.labels import choices
from tracker.measures.models import Measure
from tracker.organizations.forms import OrganizationForm
from tracker.organizations.models import Organization, OrganizationType, SizeClass
from tracker.organizations.services import DirectoryProblem, save_organization
from tracker.permissions import can_edit_organization, can_view_people_of, is_internal_anywhere, require

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.get("/")
@login_required
def index():
    statement = select(Organization).order_by(Organization.name)
    query = request.args.get("q", "").strip()
    kind = request.args.get("type", "")
    if query:
        statement = statement.where(func.lower(Organization.name).like(f"%{query.lower()}%"))
    if kind in {t.value for t in OrganizationType}:
        statement = statement.where(Organization.type == OrganizationType(kind))
    page = db.paginate(statement, per_page=50, error_out=False)
    return render_template("organizations/index.html", page=page, query=query, kind=kind,
                           types=choices(OrganizationType), may_create=is_internal_anywhere(current_user))


@bp.get("/<int:organization_id>")
@login_required
def show(organization_id: int):
    organization = db.get_or_404(Organization, organization_id)
    require(current_user.is_authenticated)
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
        may_edit=can_edit_organization(current_user, organization),
    )


def _form(organization: Organization | None) -> OrganizationForm:
    form = OrganizationForm(obj=organization)
    form.type.choices = choices(OrganizationType)
    form.size_class.choices = [SelectChoice("", "—"), *choices(SizeClass)]
    if organization is not None and request.method == "GET":
        form.type.data = organization.type.value
        form.size_class.data = organization.size_class.value if organization.size_class else ""
    return form


def _save(organization: Organization, form: OrganizationForm) -> bool:
    """Apply the form through the service; False (with the message on its field) when refused."""
    try:
        save_organization(
            organization, name=form.name.data, type=OrganizationType(form.type.data), sector=form.sector.data,
            size_class=SizeClass(form.size_class.data) if form.size_class.data else None,
            website=form.website.data, consents_to_be_named=form.consents_to_be_named.data, by=current_user)
    except DirectoryProblem as problem:
        getattr(form, problem.field or "name").errors.append(str(problem))
        return False
    db.session.commit()
    flash(_("The organisation is saved."), "success")
    return True


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(is_internal_anywhere(current_user))
    form = _form(None)
    if form.validate_on_submit():
        organization = Organization()
        if _save(organization, form):
            return redirect(url_for(".show", organization_id=organization.id))
    return render_template("organizations/form.html", form=form, organization=None), 400 if form.errors else 200


@bp.route("/<int:organization_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organization_id: int):
    organization = db.get_or_404(Organization, organization_id)
    require(can_edit_organization(current_user, organization))
    form = _form(organization)
    if form.validate_on_submit() and _save(organization, form):
        return redirect(url_for(".show", organization_id=organization.id))
    return render_template("organizations/form.html", form=form, organization=organization), \
        400 if form.errors else 200
