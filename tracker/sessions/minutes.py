"""Minutes pages: write with preview, approve, compare revisions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.errors import Invalid, StaleVersion
from tracker.extensions import db
from tracker.markdown import render_markdown
from tracker.permissions import can_read_draft_minutes, load
from tracker.sessions import services
from tracker.sessions.blueprint import bp
from tracker.sessions.forms import MinutesForm
from tracker.sessions.models import Session


@bp.route("/sessions/<int:session_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes(session_id: int):
    """Save the minutes; a stale version becomes a conflict with both texts, not a lost edit."""
    session = load(Session, session_id, services.save_minutes.allowed)
    form = MinutesForm(text=session.minutes, version=session.version)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.text.data)
        else:
            try:
                services.save_minutes(session, form.text.data or "", expected_version=form.version.data,
                                      by=current_user)
            except StaleVersion:
                db.session.rollback()
                return render_template("sessions/minutes_conflict.html", session=session,
                                       theirs=session.minutes, mine=form.text.data or "",
                                       form=MinutesForm(text=form.text.data, version=session.version)), 409
            db.session.commit()
            flash(_("The minutes are saved."), "success")
            return redirect(url_for(".show", session_id=session.id))
    return render_template("sessions/minutes.html", session=session, form=form, preview=preview), \
        400 if form.errors else 200


@bp.post("/sessions/<int:session_id>/minutes/approve")
@login_required
def approve_minutes(session_id: int):
    session = load(Session, session_id, services.approve_minutes.allowed)
    try:
        services.approve_minutes(session, by=current_user)
    except Invalid as problem:
        flash(str(problem), "error")
        return redirect(url_for(".show", session_id=session.id))
    db.session.commit()
    flash(_("The minutes are approved and visible to the hub's members."), "success")
    return redirect(url_for(".show", session_id=session.id))


@bp.get("/sessions/<int:session_id>/minutes/revisions")
@login_required
def revisions(session_id: int):
    session = load(Session, session_id, can_read_draft_minutes)
    all_revisions = services.revisions(session)
    by_number = {r.number: r for r in all_revisions}
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    diff = None
    if a in by_number and b in by_number:
        diff = services.compare(by_number[a].text, by_number[b].text)
    return render_template("sessions/revisions.html", session=session, revisions=all_revisions, diff=diff,
                           a=by_number.get(a), b=by_number.get(b))
