from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from tracker.labels import choices
from tracker.sessions.models import SessionKind

FORMAT = "%Y-%m-%dT%H:%M"


class SessionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(SessionKind), default=SessionKind.WORKSHOP.value)
    hub_id = SelectField(_l("Hub"), coerce=int, validate_choice=True)
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Start"), format=FORMAT, validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("End"), format=FORMAT, validators=[InputRequired()])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    agenda = TextAreaField(_l("Agenda (Markdown)"), validators=[Optional(), Length(max=50_000)])
    decisions = TextAreaField(_l("Decisions (Markdown)"), validators=[Optional(), Length(max=50_000)])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    confirm_warnings = BooleanField(_l("Save anyway"))


class MinutesForm(FlaskForm):
    text = TextAreaField(_l("Minutes (Markdown)"), validators=[Optional(), Length(max=200_000)])
    version = IntegerField(validators=[InputRequired()])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save minutes"))


class ActionItemForm(FlaskForm):
    text = StringField(_l("What is to be done"), validators=[InputRequired(), Length(max=500)])
    owner_id = SelectField(_l("Who"), coerce=int, validate_choice=True)
    due_on = DateField(_l("Due on"), validators=[Optional()])


class IdeaForm(FlaskForm):
    title = StringField(_l("Idea"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)])
    organization_id = SelectField(_l("Raised by"), coerce=int, validate_choice=True)
