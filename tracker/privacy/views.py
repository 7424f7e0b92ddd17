"""Personal data: download your own, and (admins) export or anonymise anyone's."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.extensions import db
from tracker.organizations.models import Person
from tracker.permissions import is_admin, require
from tracker.privacy import services

bp = Blueprint("privacy", __name__)


def _json_download(person: Person) -> Response:
    body = json.dumps(services.export_person(person), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="person-{person.id}.json"'})


@bp.get("/profile/data.json")
@login_required
def my_data():
    return _json_download(current_user.person)


@bp.get("/admin/people/<int:person_id>/data.json")
@login_required
def person_data(person_id: int):
    person = db.get_or_404(Person, person_id)
    require(is_admin(current_user))
    return _json_download(person)


@bp.post("/admin/people/<int:person_id>/anonymise")
@login_required
def anonymise(person_id: int):
    person = db.get_or_404(Person, person_id)
    require(is_admin(current_user))
    if person.user is not None and person.user.id == current_user.id:
        flash(_("You cannot anonymise yourself."), "error")
        return redirect(request.referrer or url_for("admin.users"))
    services.anonymise(person, by=current_user)
    db.session.commit()
    flash(_("The person has been anonymised. Their contributions remain, without name or contact."), "success")
    return redirect(url_for("admin.users"))
