from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from tracker.labels import choices
from tracker.processes.models import Phase


class PhaseForm(FlaskForm):
    phase = SelectField(_l("Phase"), choices=choices(Phase))
