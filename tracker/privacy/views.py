"""Personal data: download your own; administrators find anyone (with or without an account),
download their data or anonymise them after a confirmation step."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from tracker.arguments import search_text
from tracker.extensions import db
from tracker.organizations.models import Person
from tracker.pagination import listing_page
from tracker.permissions import is_admin, load, require
from tracker.privacy import services
from tracker.privacy.forms import AnonymiseForm

bp = Blueprint("privacy", __name__)


def _json_download(person: Person) -> Response:
    body = json.dumps(services.export_person(person), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="person-{person.id}.json"'})


def _admin_for(user, _person: Person) -> bool:
    return is_admin(user)


@bp.get("/profile/data.json")
@login_required
def my_data():
    return _json_download(current_user.person)


@bp.get("/admin/people")
@login_required
def people():
    """Everyone the installation knows, searchable by name or email; accounts are not needed."""
    require(is_admin(current_user))
    query = search_text(request.args.get("q"))
    statement = select(Person).order_by(Person.anonymised_at.is_not(None), Person.name, Person.id)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(Person.name).like(pattern), Person.email.like(pattern)))
    page = listing_page(statement)
    return render_template("privacy/people.html", page=page, query=query)


@bp.get("/admin/people/<int:person_id>")
@login_required
def person(person_id: int):
    person = load(Person, person_id, _admin_for)
    return render_template("privacy/person.html", person=person, data=services.export_person(person),
                           may_anonymise=services.anonymise.allowed(current_user, person))


@bp.get("/admin/people/<int:person_id>/data.json")
@login_required
def person_data(person_id: int):
    return _json_download(load(Person, person_id, services.can_export))


def _confirmation(person: Person, form: AnonymiseForm, status: int = 200):
    return render_template("privacy/anonymise.html", person=person, form=form,
                           data=services.export_person(person)), status


@bp.get("/admin/people/<int:person_id>/anonymise")
@login_required
def confirm_anonymise(person_id: int):
    person = load(Person, person_id, services.anonymise.allowed)
    if person.anonymised_at is not None:
        return redirect(url_for(".person", person_id=person.id))
    return _confirmation(person, AnonymiseForm())


@bp.post("/admin/people/<int:person_id>/anonymise")
@login_required
def anonymise(person_id: int):
    person = load(Person, person_id, services.anonymise.allowed)
    form = AnonymiseForm()
    if not form.validate_on_submit():
        return _confirmation(person, form, 400)
    services.anonymise(person, by=current_user)
    db.session.commit()
    flash(_("The person has been anonymised. Their contributions remain, without name or contact."), "success")
    return redirect(url_for(".person", person_id=person.id))
