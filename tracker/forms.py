"""Every form of the app cleans what people type before a view or a service sees it.

A one-line text field (titles, names, places, labels) keeps no control character and no line break,
and its spacing becomes single spaces; a text area keeps newlines and tabs but no other control
character (issue 16, finding 4). The filter is added when a field is bound, for every FlaskForm of
the app, so a form written tomorrow is cleaned without anyone remembering to; passwords and the
CSRF token are left exactly as typed.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import PasswordField, StringField, TextAreaField

from tracker.text import single_line, without_control


def _one_line(value):
    return single_line(value) if isinstance(value, str) else value


def _text(value):
    return without_control(value) if isinstance(value, str) else value


def cleaner(field_class: type):
    """The filter typed text of this kind of field goes through first (None: left as typed)."""
    if not issubclass(field_class, StringField) or issubclass(field_class, (PasswordField, CSRFTokenField)):
        return None
    return _text if issubclass(field_class, TextAreaField) else _one_line


def _bind_field(meta, form, unbound_field, options):
    clean = cleaner(unbound_field.field_class)
    if clean is not None:
        options = {**options, "filters": (clean, *unbound_field.kwargs.get("filters", ()))}
    return unbound_field.bind(form=form, **options)


def install() -> None:
    """Clean the input of every FlaskForm (idempotent; called by create_app)."""
    FlaskForm.Meta.bind_field = _bind_field
