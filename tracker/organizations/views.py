"""Organisation pages."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.hubs.models import HubMembership
from tracker.labels import choices
from tracker.measures.models import Measure
from tracker.organizations.models import Organization, OrganizationType
from tracker.permissions import can_view_people_of, require

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
                           types=choices(OrganizationType))


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
    )
