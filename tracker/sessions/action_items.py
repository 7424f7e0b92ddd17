"""Action items of a session and one's own open items; ideas raised in a session."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from tracker.errors import Invalid
from tracker.extensions import db
from tracker.measures import services as measures_services
from tracker.organizations.models import Organization, Person
from tracker.permissions import can_edit_session, find, load
from tracker.sessions import queries, services
from tracker.sessions.blueprint import bp
from tracker.sessions.forms import ActionItemForm, IdeaForm
from tracker.sessions.models import ActionItem, Session
from tracker.urls import local_path


def action_item_form(session: Session, formdata=None) -> ActionItemForm:
    form = ActionItemForm(formdata=formdata, prefix="item")
    form.owner_id.choices = [SelectChoice(0, _("— nobody yet —"))] + [
        SelectChoice(p.id, p.name) for p in queries.possible_owners(session)]
    return form


def idea_form(session: Session, formdata=None) -> IdeaForm:
    form = IdeaForm(formdata=formdata, prefix="idea")
    form.organization_id.choices = [SelectChoice(0, _("— the hub as a whole —"))] + [
        SelectChoice(o.id, o.name) for o in queries.member_organizations(session.hub)]
    return form


def _errors(form) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)


@bp.post("/sessions/<int:session_id>/action-items")
@login_required
def add_action_item(session_id: int):
    session = load(Session, session_id, services.add_action_item.allowed)
    form = action_item_form(session, request.form)
    if form.validate():
        try:
            services.add_action_item(session, text=form.text.data, owner=find(Person, form.owner_id.data),
                                     due_on=form.due_on.data, by=current_user)
        except Invalid as problem:
            flash(_("The action item could not be added: %(errors)s", errors=str(problem)), "error")
        else:
            db.session.commit()
            flash(_("The action item is added."), "success")
    else:
        flash(_("The action item could not be added: %(errors)s", errors=_errors(form)), "error")
    return redirect(url_for(".show", session_id=session.id) + "#action-items")


@bp.post("/action-items/<int:item_id>/done")
@login_required
def toggle_action_item(item_id: int):
    item = load(ActionItem, item_id, services.set_action_item_done.allowed)
    services.set_action_item_done(item, request.form.get("done") == "1", by=current_user)
    db.session.commit()
    return redirect(local_path(request.form.get("next")) or url_for(".show", session_id=item.session_id))


@bp.get("/my/action-items")
@login_required
def my_action_items():
    return render_template("sessions/my_action_items.html",
                           items=services.open_action_items_of(current_user.person))


@bp.post("/sessions/<int:session_id>/ideas")
@login_required
def capture_idea(session_id: int):
    """An idea raised in the room: the measures service records it with its origin hub and session."""
    session = load(Session, session_id, can_edit_session)
    form = idea_form(session, request.form)
    if form.validate():
        organization = find(Organization, form.organization_id.data) if form.organization_id.data else None
        try:
            measures_services.propose(session.process, by=current_user, hub=session.hub, session=session,
                                      proposer_organization=organization, title=form.title.data,
                                      description=form.description.data or "")
        except Invalid as problem:
            flash(str(problem), "error")
        else:
            db.session.commit()
            flash(_("The idea is recorded."), "success")
    else:
        flash(_("The idea could not be recorded: %(errors)s", errors=_errors(form)), "error")
    return redirect(url_for(".show", session_id=session.id) + "#ideas")
