"""Implementation tracking: progress, milestones and indicators of plan measures, and the process overview."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

import tracker.implementation.labels  # noqa: F401  (registers the traffic-light labels)
from tracker.charts import aggregates, catalogue
from tracker.errors import Conflict, Invalid
from tracker.extensions import db
from tracker.goals.models import GuidingGoal
from tracker.hubs.models import Hub
from tracker.implementation import services
from tracker.implementation.models import Indicator, Light, Milestone, ProgressUpdate
from tracker.labels import choices
from tracker.measures.models import Measure
from tracker.organizations.models import Organization, Person
from tracker.permissions import can_view_measure, can_view_process, find, load
from tracker.processes.models import Process

bp = Blueprint("implementation", __name__)
MAX_STALE_DAYS = 3650  # the longest look back the overview's ?days= accepts
NUMBER_LIMIT = Decimal("1e14")  # indicator numbers fit Numeric(16, 2)
NUMBER_LENGTH = 20


class ProgressForm(FlaskForm):
    on = DateField(_l("Date"), validators=[InputRequired()], default=date.today)
    percent = IntegerField(_l("Progress in percent"), validators=[InputRequired()],  # the range: report_progress
                           render_kw={"min": services.PERCENT_RANGE.start, "max": services.PERCENT_RANGE.stop - 1})
    light = SelectField(_l("Traffic light"), choices=choices(Light))
    note = TextAreaField(_l("What happened"), validators=[Optional(), Length(max=5000)])


def _optional_id(value) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class OwnerForm(FlaskForm):
    """Who sees to a milestone: an organisation and, optionally, one of its people."""

    owner_organization_id = SelectField(_l("Owning organisation"), coerce=_optional_id, validate_choice=False)
    owner_person_id = SelectField(_l("Owner (person)"), coerce=_optional_id, validate_choice=False)


class MilestoneForm(OwnerForm):
    title = StringField(_l("Milestone"), validators=[InputRequired(), Length(max=200)])
    due_on = DateField(_l("Due on"), validators=[Optional()])


def _owner_choices(form: OwnerForm, measure: Measure) -> OwnerForm:
    """The organisations of the measure (responsible, partners) and of the steering group, and their people."""
    organizations = list(dict.fromkeys([*measure.responsible_organizations, *measure.partner_organizations,
                                        *measure.process.partners]))
    form.owner_organization_id.choices = [("", _("— nobody yet —"))] + [(o.id, o.name) for o in organizations]
    people = db.session.scalars(select(Person).where(
        Person.organization_id.in_([o.id for o in organizations]), Person.anonymised_at.is_(None))
        .order_by(Person.name)).all() if organizations else []
    groups: dict[str, list] = {"": [("", _("— no one in particular —"))]}
    names = {o.id: o.name for o in organizations}
    for person in people:
        groups.setdefault(names[person.organization_id], []).append((person.id, person.name))
    form.owner_person_id.choices = groups
    return form


def _owner_form(milestone: Milestone, **kwargs) -> OwnerForm:
    """The owner form of one milestone (its own prefix: the measure page shows one per milestone)."""
    return OwnerForm(prefix=f"owner{milestone.id}", **kwargs)


def _owner_forms(milestones: list[Milestone], measure: Measure) -> dict[int, OwnerForm]:
    if not milestones:
        return {}
    template = _owner_choices(OwnerForm(prefix="owner", formdata=None), measure)
    forms = {}
    for m in milestones:
        form = _owner_form(m, formdata=None, owner_organization_id=m.owner_organization_id,
                           owner_person_id=m.owner_person_id)
        form.owner_organization_id.choices = template.owner_organization_id.choices
        form.owner_person_id.choices = template.owner_person_id.choices
        forms[m.id] = form
    return forms


def _owners(form: OwnerForm) -> dict:
    """The owner the form names (an unknown id is a field error, as the service would answer)."""
    organization = find(Organization, form.owner_organization_id.data)
    person = find(Person, form.owner_person_id.data)
    if form.owner_organization_id.data is not None and organization is None:
        raise Invalid(_("Please choose one of the organisations."), "owner_organization_id")
    if form.owner_person_id.data is not None and person is None:
        raise Invalid(_("Please choose one of the people."), "owner_person_id")
    return {"organization": organization, "person": person}


class IndicatorForm(FlaskForm):
    name = StringField(_l("Indicator"), validators=[InputRequired(), Length(max=200)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=40)])
    baseline = StringField(_l("Baseline"), validators=[Optional(), Length(max=NUMBER_LENGTH)])
    target = StringField(_l("Target"), validators=[Optional(), Length(max=NUMBER_LENGTH)])


class ValueForm(FlaskForm):
    on = DateField(_l("Date"), validators=[InputRequired()], default=date.today)
    value = StringField(_l("Value"), validators=[InputRequired(), Length(max=NUMBER_LENGTH)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


def _decimal(text: str | None) -> Decimal | None:
    if not text or not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(".", "").replace(",", ".")) if "," in text else Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or abs(value) >= NUMBER_LIMIT:
        raise ValueError(text)
    return value


@bp.app_template_global()
def measure_tracking(measure: Measure, user) -> dict:
    """What the measure page shows of its implementation (and the forms, for those who may report)."""
    may = services.can_report(user, measure) and services.is_reporting(measure)
    milestones = list(db.session.scalars(select(Milestone).where(Milestone.measure_id == measure.id)
                                         .order_by(Milestone.due_on, Milestone.id)))
    return {
        "may_report": may,
        "milestones": milestones,
        "owner_forms": _owner_forms(milestones, measure) if may else {},
        "updates": list(db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.measure_id == measure.id)
                                           .order_by(ProgressUpdate.date.desc(), ProgressUpdate.id.desc()))),
        "indicators": list(db.session.scalars(select(Indicator).where(Indicator.measure_id == measure.id)
                                              .order_by(Indicator.id))),
        "progress_form": ProgressForm(prefix="progress") if may else None,
        "milestone_form": _owner_choices(MilestoneForm(prefix="milestone"), measure) if may else None,
        "indicator_form": IndicatorForm(prefix="indicator") if may else None,
        "value_form": ValueForm(prefix="value") if may else None,
    }


def _back(measure_id: int):
    return redirect(url_for("measures.show", measure_id=measure_id) + "#implementation")


def _refused(form, *, title: str, action: str, back: str, context: str):
    """A form that did not validate: shown again on its own page with status 400, the input kept and the
    messages next to the fields."""
    return render_template("implementation/form.html", form=form, title=title, action=action, back=back,
                           context=context), 400


def _measure_refused(form, measure: Measure, title: str, endpoint: str):
    return _refused(form, title=title, action=url_for(endpoint, measure_id=measure.id),
                    back=url_for("measures.show", measure_id=measure.id) + "#implementation", context=measure.title)


@bp.post("/measures/<int:measure_id>/progress")
@login_required
def report(measure_id: int):
    measure = load(Measure, measure_id, services.report_progress.allowed)
    form = ProgressForm(prefix="progress")
    if not form.validate_on_submit():
        return _measure_refused(form, measure, _("Report progress"), ".report")
    try:
        services.report_progress(measure, on=form.on.data, percent=form.percent.data, light=Light(form.light.data),
                                 note=form.note.data or "", by=current_user)
    except Invalid as problem:
        _field_error(form, problem)
        return _measure_refused(form, measure, _("Report progress"), ".report")
    db.session.commit()
    flash(_("The progress is recorded."), "success")
    return _back(measure.id)


@bp.post("/measures/<int:measure_id>/milestones")
@login_required
def add_milestone(measure_id: int):
    measure = load(Measure, measure_id, services.add_milestone.allowed)
    form = _owner_choices(MilestoneForm(prefix="milestone"), measure)
    if not form.validate_on_submit():
        return _measure_refused(form, measure, _("Add a milestone"), ".add_milestone")
    try:
        owner = _owners(form)
        services.add_milestone(measure, title=form.title.data, due_on=form.due_on.data, by=current_user,
                               owner_organization=owner["organization"], owner_person=owner["person"])
    except Invalid as problem:
        db.session.rollback()
        _field_error(form, problem)
        return _measure_refused(form, measure, _("Add a milestone"), ".add_milestone")
    db.session.commit()
    flash(_("The milestone is added."), "success")
    return _back(measure.id)


@bp.post("/milestones/<int:milestone_id>/done")
@login_required
def milestone_done(milestone_id: int):
    milestone = load(Milestone, milestone_id, services.set_milestone_done.allowed)
    services.set_milestone_done(milestone, request.form.get("done") == "1", on=date.today(), by=current_user)
    db.session.commit()
    return _back(milestone.measure_id)


@bp.post("/milestones/<int:milestone_id>/owner")
@login_required
def milestone_owner(milestone_id: int):
    """Name (or change) who sees to a milestone."""
    milestone = load(Milestone, milestone_id, services.set_milestone_owner.allowed)
    measure = milestone.measure
    form = _owner_choices(_owner_form(milestone), measure)
    refused = partial(_refused, form, title=_("Owner of the milestone"), context=milestone.title,
                      action=url_for(".milestone_owner", milestone_id=milestone.id),
                      back=url_for("measures.show", measure_id=measure.id) + "#implementation")
    if not form.validate_on_submit():
        return refused()
    try:
        services.set_milestone_owner(milestone, by=current_user, **_owners(form))
    except (Invalid, Conflict) as problem:
        db.session.rollback()
        _field_error(form, problem)
        return refused() if isinstance(problem, Invalid) else (refused()[0], 409)
    db.session.commit()
    flash(_("The owner of the milestone is saved."), "success")
    return _back(measure.id)


def _field_error(form, problem: Invalid) -> None:
    """The service's refusal of a value, next to the field it names."""
    field = getattr(form, problem.field or "", None)
    if field is None:
        flash(str(problem), "error")
    else:
        field.errors = [*field.errors, str(problem)]


def _numbers(form, *names: str) -> dict[str, Decimal | None] | None:
    """Parse decimal fields (German "1.250,5" or "1250.5"); a field that is no number gets a message."""
    values = {}
    for name in names:
        try:
            values[name] = _decimal(getattr(form, name).data)
        except ValueError:
            getattr(form, name).errors = [*getattr(form, name).errors, _("Please enter a number.")]
    return values if len(values) == len(names) else None


@bp.post("/measures/<int:measure_id>/indicators")
@login_required
def add_indicator(measure_id: int):
    measure = load(Measure, measure_id, services.add_indicator.allowed)
    form = IndicatorForm(prefix="indicator")
    if not _indicator_saved(form, measure):
        return _measure_refused(form, measure, _("Add an indicator"), ".add_indicator")
    db.session.commit()
    return _back(measure.id)


@bp.post("/processes/<int:process_id>/indicators")
@login_required
def add_process_indicator(process_id: int):
    process = load(Process, process_id, services.add_indicator.allowed)
    form = IndicatorForm(prefix="indicator")
    if not _indicator_saved(form, process):
        return _refused(form, title=_("Add an indicator"), context=process.name,
                        action=url_for(".add_process_indicator", process_id=process.id),
                        back=url_for(".overview", process_id=process.id))
    db.session.commit()
    return redirect(url_for(".overview", process_id=process.id))


def _indicator_saved(form: IndicatorForm, owner: Measure | Process) -> bool:
    """Add the form's indicator to the measure or process; False (messages on the form) when something is wrong."""
    numbers = _numbers(form, "baseline", "target") if form.validate_on_submit() else None
    if numbers is None:
        return False
    try:
        services.add_indicator(owner, name=form.name.data, unit=form.unit.data or "", by=current_user, **numbers)
    except Invalid as problem:
        _field_error(form, problem)
        return False
    return True


@bp.post("/indicators/<int:indicator_id>/values")
@login_required
def add_value(indicator_id: int):
    indicator = load(Indicator, indicator_id, services.add_value.allowed)
    measure = indicator.measure
    form = ValueForm(prefix="value")
    numbers = _numbers(form, "value") if form.validate_on_submit() else None
    back = (url_for("measures.show", measure_id=measure.id) + "#implementation" if measure
            else url_for(".overview", process_id=indicator.process_id))
    if numbers is None or numbers["value"] is None:
        return _refused(form, title=_("Add a value"), context=indicator.name, back=back,
                        action=url_for(".add_value", indicator_id=indicator.id))
    services.add_value(indicator, on=form.on.data, value=numbers["value"], note=form.note.data or "",
                       by=current_user)
    db.session.commit()
    return redirect(back)


@bp.get("/processes/<int:process_id>/implementation")
@login_required
def overview(process_id: int):
    process = load(Process, process_id, can_view_process)
    days = request.args.get("days", type=int) or services.stale_days(current_app.config)
    days = max(1, min(days, MAX_STALE_DAYS))
    today = date.today()
    keeps_indicators = services.add_indicator.allowed(current_user, process)
    indicators = db.session.scalars(select(Indicator).where(Indicator.process_id == process.id,
                                                            Indicator.measure_id.is_(None))).all()
    return render_template(
        "implementation/overview.html", process=process, days=days,
        total=services.process_progress(process),
        by_goal=services.progress_by_goal(process), by_hub=services.progress_by_hub(process),
        goals=db.session.scalars(select(GuidingGoal).where(GuidingGoal.process_id == process.id)
                                 .order_by(GuidingGoal.number)).all(),
        hubs=db.session.scalars(select(Hub).where(Hub.process_id == process.id).order_by(Hub.position)).all(),
        stale=services.stale_measures(process, days=days, today=today),
        overdue=services.overdue_milestones(process, today=today),
        indicators=indicators,
        indicator_charts=[catalogue.on_page(f"indicator:{i.id}", aggregates.indicator_series(i))
                          for i in indicators if i.values],
        indicator_form=IndicatorForm(prefix="indicator") if keeps_indicators else None,
        value_form=ValueForm(prefix="value") if keeps_indicators else None,
    )


__all__ = ["bp", "can_view_measure"]
