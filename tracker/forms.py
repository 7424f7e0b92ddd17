"""Every form of the app cleans what people type before a view or a service sees it.

A one-line text field (titles, names, places, labels) keeps no control character and no line break,
and its spacing becomes single spaces; a text area keeps newlines and tabs but no other control
character (issue 16, finding 4). The filter is added when a field is bound, for every FlaskForm of
the app, so a form written tomorrow is cleaned without anyone remembering to; passwords and the
CSRF token are left exactly as typed.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import HiddenField, PasswordField, StringField, TextAreaField

from tracker.arguments import MAX_ID, whole_number
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


class VersionField(HiddenField):
    """The version of the record a form was opened on (optimistic locking): ASCII digits or nothing.

    `.data` is the number (when the request has none, the form's own value stays); anything else is a
    validation error, never a server error."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        number = whole_number(valuelist[0], high=MAX_ID) if valuelist[0] else 0
        self.data = number if number is not None else 0
        if number is None:
            raise ValueError(_l("The form is damaged; please open it again."))
