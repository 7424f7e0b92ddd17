"""Guiding goals: list, create, edit titles and texts, reorder; each goal's page lists its measures."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.errors import Invalid, StaleVersion
from tracker.extensions import db
from tracker.forms import VersionField
from tracker.goals import services
from tracker.goals.models import GuidingGoal
from tracker.measures.models import Measure, measure_goal
from tracker.permissions import can_view_process, load
from tracker.processes.models import Process

bp = Blueprint("goals", __name__)


class GoalForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    introduction = TextAreaField(_l("Introduction"), validators=[Optional(), Length(max=20_000)])
    objective = TextAreaField(_l("Our goal"), validators=[Optional(), Length(max=20_000)])
    version = VersionField()


@bp.route("/processes/<int:process_id>/goals", methods=["GET", "POST"])
@login_required
def index(process_id: int):
    process = load(Process, process_id, services.create.allowed if request.method == "POST" else can_view_process)
    may_edit = services.create.allowed(current_user, process)
    form = GoalForm()
    if form.validate_on_submit():
        try:
            services.create(process, title=form.title.data, introduction=form.introduction.data or "",
                            objective=form.objective.data or "", by=current_user)
        except Invalid as problem:
            getattr(form, problem.field or "title").errors.append(str(problem))
        else:
            db.session.commit()
            flash(_("The guiding goal is added."), "success")
            return redirect(url_for(".index", process_id=process.id))
    counts = dict(db.session.execute(select(Measure.primary_goal_id, func.count()).where(
        Measure.process_id == process.id).group_by(Measure.primary_goal_id)).all())
    return render_template("goals/index.html", process=process, goals=services.ordered(process), counts=counts,
                           form=form if may_edit else None), 400 if form.errors else 200


@bp.get("/goals/<int:goal_id>")
@login_required
def show(goal_id: int):
    goal = load(GuidingGoal, goal_id, lambda user, goal: can_view_process(user, goal.process))
    secondary = select(measure_goal.c.measure_id).where(measure_goal.c.goal_id == goal.id)
    measures = db.session.scalars(select(Measure).where(
        or_(Measure.primary_goal_id == goal.id, Measure.id.in_(secondary))).order_by(Measure.id)).all()
    return render_template("goals/show.html", goal=goal, process=goal.process,
                           primary=[m for m in measures if m.primary_goal_id == goal.id],
                           secondary=[m for m in measures if m.primary_goal_id != goal.id],
                           may_edit=services.update.allowed(current_user, goal))


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(goal_id: int):
    goal = load(GuidingGoal, goal_id, services.update.allowed)
    form = GoalForm(obj=goal, version=goal.version)
    if form.validate_on_submit():
        try:
            services.update(goal, expected_version=form.version.data, by=current_user,
                            title=form.title.data, introduction=form.introduction.data or "",
                            objective=form.objective.data or "")
        except StaleVersion:
            db.session.rollback()
            return render_template("goals/form.html", goal=goal, form=form, conflict=True), 409
        except Invalid as problem:
            getattr(form, problem.field or "title").errors.append(str(problem))
            return render_template("goals/form.html", goal=goal, form=form), 400
        db.session.commit()
        flash(_("The guiding goal is saved."), "success")
        return redirect(url_for(".show", goal_id=goal.id))
    return render_template("goals/form.html", goal=goal, form=form), 400 if form.errors else 200


@bp.post("/goals/<int:goal_id>/move")
@login_required
def move(goal_id: int):
    goal = load(GuidingGoal, goal_id, services.move.allowed)
    services.move(goal, -1 if request.form.get("direction") == "up" else 1, by=current_user)
    db.session.commit()
    return redirect(url_for(".index", process_id=goal.process_id))
