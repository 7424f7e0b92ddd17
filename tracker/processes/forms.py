from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.forms import VersionField
from tracker.labels import choices
from tracker.processes.models import APPROVALS_NEEDED_RANGE, Phase


class PhaseForm(FlaskForm):
    phase = SelectField(_l("Phase"), choices=choices(Phase))


class ProcessForm(FlaskForm):
    """The set-up of a process: what it is called, when it runs, who answers, what it says, in which language."""

    name = StringField(_l("Name of the process"), validators=[InputRequired(), Length(max=200)])
    city = StringField(_l("City"), validators=[InputRequired(), Length(max=120)])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired()])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired()])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), Length(max=254)])
    partner_ids = SelectMultipleField(_l("Steering partners"), coerce=int)
    purpose = TextAreaField(_l("What the masterplan is for (public landing page, Markdown)"),
                            validators=[Optional(), Length(max=50_000)])
    foreword = TextAreaField(_l("Foreword of the plan (Markdown)"), validators=[Optional(), Length(max=50_000)])
    plan_language = SelectField(_l("Language of the plan documents"),
                                choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")])
    version = VersionField()


class SteeringForm(FlaskForm):
    """Who belongs to the process's steering group."""

    user_ids = SelectMultipleField(_l("Members of the steering group"), coerce=int)


def phase_field(phase: Phase, end: str) -> str:
    """The name of the form field of a phase's first ("starts_on") or last day ("ends_on")."""
    return f"phase_{phase.value}_{end}"


# One pair of dates per phase (both empty: the phase has no dates); the service checks order and period.
for _phase in Phase:
    setattr(ProcessForm, phase_field(_phase, "starts_on"), DateField(_l("From"), validators=[Optional()]))
    setattr(ProcessForm, phase_field(_phase, "ends_on"), DateField(_l("To"), validators=[Optional()]))


class ApprovalsNeededForm(FlaskForm):
    approvals_needed = SelectField(
        _l("Approvals a plan version needs"), coerce=int,
        choices=[SelectChoice(n, str(n)) for n in range(APPROVALS_NEEDED_RANGE[0], APPROVALS_NEEDED_RANGE[1] + 1)])
