from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class AnonymiseForm(FlaskForm):
    """The confirmation step: nothing happens unless the box is ticked."""

    confirm = BooleanField(
        _l("I understand: name and contact of this person are removed everywhere, for good."),
        validators=[DataRequired(message=_l("Please confirm that this person is to be anonymised."))])
