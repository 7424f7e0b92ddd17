"""The organisation form: what the directory and the plan's list of participants show."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from tracker.forms import VersionField


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    type = SelectField(_l("Type"))
    sector = StringField(_l("Sector"), validators=[Optional(), Length(max=120)])
    size_class = SelectField(_l("Size"))
    website = StringField(_l("Website"), validators=[Optional(), Length(max=255)])
    consents_to_be_named = BooleanField(_l("May be named in the published plan"))
    version = VersionField()
