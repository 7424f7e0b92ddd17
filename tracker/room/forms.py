from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tracker.room.services import MAX_PEOPLE


class StartForm(FlaskForm):
    people = IntegerField(_l("People in the room"), validators=[InputRequired(), NumberRange(1, MAX_PEOPLE)])


class CardForm(FlaskForm):
    title = StringField(_l("Your idea"), validators=[InputRequired(), Length(max=200)])
    text = TextAreaField(_l("What is it about?"), validators=[Optional(), Length(max=5000)])
    name = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=200)])
    organization_name = StringField(_l("Your organisation (optional)"), validators=[Optional(), Length(max=200)])
    consent_named = BooleanField(_l("My name may be shown with the idea"))
