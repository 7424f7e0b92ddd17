from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from tracker.labels import choices
from tracker.processes.models import APPROVALS_NEEDED_RANGE, Phase


class PhaseForm(FlaskForm):
    phase = SelectField(_l("Phase"), choices=choices(Phase))


class ApprovalsNeededForm(FlaskForm):
    approvals_needed = SelectField(
        _l("Approvals a plan version needs"), coerce=int,
        choices=[SelectChoice(n, str(n)) for n in range(APPROVALS_NEEDED_RANGE[0], APPROVALS_NEEDED_RANGE[1] + 1)])
