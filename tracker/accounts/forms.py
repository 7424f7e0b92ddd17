from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from tracker.accounts.models import Role
from tracker.labels import choices


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])
    remember = BooleanField(_l("Stay logged in on this device"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)])


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    function = StringField(_l("Function"), validators=[Optional(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[InputRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class UserForm(FlaskForm):
    """Admin's form for a login: the person, the role and, for moderators, their hubs."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])
    function = StringField(_l("Function"), validators=[Optional(), Length(max=200)])
    organization_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    role = SelectField(_l("Role"), choices=choices(Role), default=Role.COMPANY.value)
    hub_ids = SelectMultipleField(_l("Moderated hubs"), coerce=int)
    is_active = BooleanField(_l("Account active"), default=True)
