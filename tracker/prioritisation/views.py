"""Prioritisation rounds in the browser: open (steering), vote (participants), close and publish."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from openpyxl import Workbook
from sqlalchemy import select
from wtforms import DecimalField, IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

import tracker.prioritisation.labels  # noqa: F401  (registers the method and status labels)
from tracker import caching
from tracker.arguments import object_id, object_ids, whole_number
from tracker.charts import aggregates, catalogue
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.extensions import db
from tracker.labels import choices
from tracker.measures.models import Measure, MeasureStatus
from tracker.permissions import can_view_process, find, load
from tracker.prioritisation import services
from tracker.prioritisation.ballot_form import ballot_values
from tracker.prioritisation.models import Method, PrioritisationRound, RoundResult, RoundStatus, RoundTally
from tracker.processes.models import Process
from tracker.sessions.models import Session
from tracker.spreadsheets import CSV_TYPE, csv_file
from tracker.text import spreadsheet_cell

bp = Blueprint("prioritisation", __name__)
DEFAULT_WEIGHT = Decimal("1.0")
WEIGHTS = NumberRange(Decimal("0.1"), Decimal(10))
POINTS = NumberRange(1, services.MAX_POINTS)


@bp.app_template_global()
def published_rankings(measure_id: int) -> list[tuple[RoundResult, PrioritisationRound, int]]:
    """For the measure page: the measure's results in closed rounds (rank, score, round, measures ranked)."""
    return services.published_results_of(measure_id)


class OpenRound(NamedTuple):
    """What the navigation and the start page show of an open round (plain data: it goes into the cache)."""

    id: int
    title: str
    opened_at: datetime


@bp.app_template_global()
def open_rounds(process: Process) -> list[OpenRound]:
    """For the navigation and the start page: the process's open rounds the current user may vote in
    (asked on every page: the list is cached until the next write to the process's measures and rounds)."""
    if process is None or not can_view_process(current_user, process) or current_user.role not in services.VOTERS:
        return []
    return caching.cached("open-rounds", lambda: [OpenRound(*row) for row in db.session.execute(
        select(PrioritisationRound.id, PrioritisationRound.title, PrioritisationRound.opened_at).where(
            PrioritisationRound.process_id == process.id, PrioritisationRound.status == RoundStatus.OPEN)
        .order_by(PrioritisationRound.id))], process_id=process.id, areas=(caching.MEASURES,),
        visibility=caching.MEMBERS)


class RoundForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    method = SelectField(_l("Method"), choices=choices(Method))
    measure_ids = SelectMultipleField(_l("Proposals"), coerce=int)
    points_per_voter = IntegerField(_l("Points per participant"), validators=[Optional(), POINTS])
    max_points_per_measure = IntegerField(_l("At most on one measure"), validators=[Optional(), POINTS])
    importance_weight = DecimalField(_l("Weight of importance"), default=DEFAULT_WEIGHT, places=1,
                                     validators=[Optional(), WEIGHTS])
    urgency_weight = DecimalField(_l("Weight of urgency"), default=DEFAULT_WEIGHT, places=1,
                                  validators=[Optional(), WEIGHTS])
    session_id = SelectField(_l("Held in the session"), coerce=int, default=0)


@bp.route("/processes/<int:process_id>/rounds", methods=["GET", "POST"])
@login_required
def index(process_id: int):
    process = load(Process, process_id, services.open_round.allowed if request.method == "POST" else can_view_process)
    steering = services.open_round.allowed(current_user, process)
    form = RoundForm()
    proposals = db.session.scalars(select(Measure).where(Measure.process_id == process.id,
                                                         Measure.status == MeasureStatus.PROPOSAL)
                                   .order_by(Measure.id)).all()
    form.measure_ids.choices = [SelectChoice(m.id, m.title) for m in proposals]
    form.session_id.choices = [SelectChoice(0, _("— none —"))] + [
        SelectChoice(s.id, f"{s.starts_at:%d.%m.%Y} · {s.title}") for s in services.sessions_for_rounds(process)]
    if form.validate_on_submit():
        try:
            round_ = services.open_round(
                process, title=form.title.data, method=Method(form.method.data), by=current_user,
                session=find(Session, form.session_id.data) if form.session_id.data else None,
                measures=[m for m in proposals if m.id in set(form.measure_ids.data)],
                points_per_voter=form.points_per_voter.data,
                max_points_per_measure=form.max_points_per_measure.data,
                criteria=[("importance", form.importance_weight.data or DEFAULT_WEIGHT),
                          ("urgency", form.urgency_weight.data or DEFAULT_WEIGHT)])
        except Invalid as problem:
            db.session.rollback()
            field = getattr(form, problem.field or "", None) or form.title
            field.errors = [*field.errors, str(problem)]
        else:
            db.session.commit()
            flash(_("The round is open."), "success")
            return redirect(url_for(".show", round_id=round_.id))
    rounds = db.session.scalars(select(PrioritisationRound).where(PrioritisationRound.process_id == process.id)
                                .order_by(PrioritisationRound.opened_at.desc())).all()
    return render_template("prioritisation/index.html", process=process, rounds=rounds,
                           form=form if steering else None), 400 if form.errors else 200


def can_view_round(user, round_: PrioritisationRound) -> bool:
    return can_view_process(user, round_.process)


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
@login_required
def show(round_id: int):
    round_ = load(PrioritisationRound, round_id, services.vote.allowed if request.method == "POST" else can_view_round)
    if request.method == "POST":
        try:
            services.vote(round_, _parse_ballot(round_), by=current_user)
        except (Invalid, Conflict) as problem:
            db.session.rollback()
            flash(str(problem), "error")
            return render_template("prioritisation/show.html", **_page(round_, request.form)), problem.status
        db.session.commit()
        flash(_("Your vote is saved. You can change it until the round closes."), "success")
        return redirect(url_for(".show", round_id=round_.id))
    return render_template("prioritisation/show.html", **_page(round_, None))


def _parse_ballot(round_: PrioritisationRound) -> dict:
    return ballot_values(request.form, round_.method, low=-1000)


def _page(round_: PrioritisationRound, posted) -> dict:
    closed = round_.status == RoundStatus.CLOSED
    matrix = catalogue.on_page(f"matrix:{round_.id}", aggregates.prioritisation_matrix(round_)) if closed else None
    return dict(matrix=matrix if matrix and matrix["rows"] else None, round=round_, process=round_.process,
                mine=services.own_ballot(round_, current_user), posted=posted,
                may_vote=services.vote.allowed(current_user, round_),
                steering=services.close_round.allowed(current_user, round_),
                voters=services.voter_count(round_), sources=services.voter_sources(round_),
                by_source=services.results_by_source(round_) if round_.status == RoundStatus.CLOSED else {},
                may_tally=services.add_tally.allowed(current_user, round_),
                results=round_.results if round_.status == RoundStatus.CLOSED else [],
                measures={m.id: m for m in round_.measures})


@bp.post("/rounds/<int:round_id>/close")
@login_required
def close(round_id: int):
    round_ = load(PrioritisationRound, round_id, services.close_round.allowed)
    services.close_round(round_, by=current_user)
    db.session.commit()
    flash(_("The round is closed and its ranking published."), "success")
    return redirect(url_for(".show", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/prioritise")
@login_required
def prioritise(round_id: int):
    round_ = load(PrioritisationRound, round_id, services.mark_prioritised.allowed)
    ids = object_ids(request.form.getlist("measure_ids"))
    try:
        moved = services.mark_prioritised(round_, ids, by=current_user)
    except Conflict as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(".show", round_id=round_.id))
    db.session.commit()
    flash(_("%(n)d measures are now prioritised.", n=len(moved)), "success")
    return redirect(url_for(".show", round_id=round_.id))


@bp.get("/rounds/<int:round_id>/results.<any(csv, xlsx):fmt>")
@login_required
def export(round_id: int, fmt: str):
    round_ = load(PrioritisationRound, round_id, can_view_round)
    if round_.status != RoundStatus.CLOSED:
        raise NotAllowed(_("The results are published when the round closes."))
    header = [_("Rank"), _("No."), _("Measure"), _("Points/score"), _("Importance"), _("Urgency"), _("Votes"),
              _("Accounts"), _("Room"), _("Paper")]
    parts = services.results_by_source(round_)

    def part(measure_id: int, source: str):
        value = parts.get(measure_id, {}).get(source)
        return float(value) if value is not None else ""

    rows = [[r.rank, r.measure_id, r.measure.title, float(r.score),
             float(r.importance) if r.importance is not None else "",
             float(r.urgency) if r.urgency is not None else "", r.voters,
             *(part(r.measure_id, source) for source in services.SOURCES)] for r in round_.results]
    if fmt == "csv":
        return Response(csv_file(header, rows), content_type=CSV_TYPE,
                        headers={"Content-Disposition": 'attachment; filename="priorisierung.csv"'})
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([spreadsheet_cell(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return Response(out.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="priorisierung.xlsx"'})


# Paper tallies ------------------------------------------------------------------------------------

def _mean(raw: str) -> Decimal | None:
    """A mean score as typed (3.5 or 3,5), or None."""
    text = (raw or "").strip().replace(",", ".")
    if not text or len(text) > 12:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _parse_tally(round_: PrioritisationRound) -> tuple[int | None, dict]:
    voters = whole_number(request.form.get("voters"), low=0, high=services.MAX_TALLY_VOTERS)
    values: dict = {}
    for key, raw in request.form.items():
        if not key.startswith("m") or not raw.strip():
            continue
        parts = [object_id(part) for part in key[1:].split("-")]
        if None in parts:
            raise Invalid(_("Please enter whole numbers."), "values")
        if round_.method == Method.DOTS and len(parts) == 1:
            number = whole_number(raw, low=0, high=services.MAX_TALLY_VOTERS * services.MAX_POINTS)
            if number is None:
                raise Invalid(_("Dots are counted in whole numbers, none below 0."), "values")
            values[parts[0]] = number
        elif round_.method == Method.SCORING and len(parts) == 2:
            mean = _mean(raw)
            if mean is None:
                raise Invalid(_("A mean score lies between 1 and 5."), "values")
            values[(parts[0], parts[1])] = mean
    return voters, values


@bp.route("/rounds/<int:round_id>/tallies", methods=["GET", "POST"])
@login_required
def tallies(round_id: int):
    """The dots counted on the wall (or the mean scores of a paper sheet), with the number of people."""
    round_ = load(PrioritisationRound, round_id, services.add_tally.allowed)
    status = 200
    if request.method == "POST":
        try:
            voters, values = _parse_tally(round_)
            if voters is None:
                raise Invalid(_("Give the number of people counted (1 to %(n)d).", n=services.MAX_TALLY_VOTERS),
                              "voters")
            services.add_tally(round_, values, voters=voters, by=current_user, note=request.form.get("note", ""))
        except (Invalid, Conflict) as problem:
            db.session.rollback()
            flash(str(problem), "error")
            status = problem.status
        else:
            db.session.commit()
            flash(_("The tally is added."), "success")
            return redirect(url_for(".tallies", round_id=round_.id))
    return render_template("prioritisation/tallies.html", round=round_, process=round_.process,
                           tallies=services.tallies_of(round_), sources=services.voter_sources(round_),
                           measures={m.id: m for m in round_.measures},
                           criteria={c.id: c for c in round_.criteria},
                           posted=request.form if status != 200 else None), status


@bp.post("/tallies/<int:tally_id>/delete")
@login_required
def remove_tally(tally_id: int):
    tally = load(RoundTally, tally_id, services.remove_tally.allowed)
    round_id = tally.round_id
    try:
        services.remove_tally(tally, by=current_user)
    except Conflict as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(".tallies", round_id=round_id)), 303
    db.session.commit()
    flash(_("The tally is removed."), "success")
    return redirect(url_for(".tallies", round_id=round_id))
