"""What people type loses its control characters before it is kept: every form, every API string
(issue 16, finding 4: one \\x01 in an idea title broke the plan's DOCX for good)."""

from __future__ import annotations

import io

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import PasswordField, StringField, TextAreaField

from tracker.extensions import db
from tracker.forms import VersionField
from tracker.goals.models import GuidingGoal
from tracker.measures.models import Measure
from tracker.organizations.models import Person

TYPED_TITLE = "Idee\x01 mit\x1b  Steuerzeichen\x85\x7f\u2028"
KEPT_TITLE = "Idee mit Steuerzeichen"
TYPED_TEXT = "Zeile\x01 eins\r\n\tZeile\x0c zwei\x9f"
KEPT_TEXT = "Zeile eins\n\tZeile zwei"


def _every_form() -> list[type[FlaskForm]]:
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_form_of_the_app_drops_control_characters(app):
    """Every text field of every form (one line: also line breaks; text areas keep newline and tab);
    passwords stay as typed."""
    forms = [form for form in _every_form() if form.__module__.startswith("tracker.")]
    assert len(forms) > 30
    for form_class in forms:
        with app.test_request_context("/", method="POST"):
            probe = form_class(formdata=None)
            names = [field.name for field in probe if isinstance(field, StringField)  # a version is a number
                     and not isinstance(field, (CSRFTokenField, VersionField))]
            typed = MultiDict({name: TYPED_TEXT if isinstance(probe[name], TextAreaField) else TYPED_TITLE
                               for name in names})
            form = form_class(formdata=typed)
            for name in names:
                field = form[name]
                if isinstance(field, PasswordField):
                    assert field.data == TYPED_TITLE, (form_class, name)
                elif isinstance(field, TextAreaField):
                    assert field.data == KEPT_TEXT, (form_class, name)
                else:
                    assert field.data == KEPT_TITLE, (form_class, name)


def test_a_title_typed_with_control_characters_is_kept_without_them(client, login, world):
    login(world.steering)
    response = client.post(f"/processes/{world.process.id}/goals",
                           data={"title": TYPED_TITLE, "introduction": TYPED_TEXT, "objective": ""})
    assert response.status_code == 302
    goal = db.session.scalar(select(GuidingGoal).where(GuidingGoal.process_id == world.process.id))
    assert (goal.title, goal.introduction) == (KEPT_TITLE, KEPT_TEXT)
    # Nothing but control characters is no title at all.
    response = client.post(f"/processes/{world.process.id}/goals", data={"title": "\x01\x02 \x1b"})
    assert response.status_code == 400


@pytest.mark.parametrize("lone", ["\ud800", "\udfff"])
def test_api_strings_drop_control_characters_and_lone_surrogates(client, bearer, world, lone):
    headers = {**bearer(world.company_a), "Content-Type": "application/json"}
    # Written by hand: a JSON escape of a lone surrogate, which no database can store.
    body = ('{"title": "Idee\\u0001 mit\\u001b  Steuerzeichen\\u0085\\u007f", '
            '"description": "Zeile\\u0001 eins\\r\\n\\tZeile\\u000c zwei\\u009f", '
            f'"approach": "halb{lone.encode("unicode_escape").decode()}", "hub_id": {world.hub_a.id}}}')
    response = client.post(f"/api/v1/processes/{world.process.id}/measures", data=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    measure = db.session.get(Measure, response.get_json()["id"])
    assert (measure.title, measure.description, measure.approach) == (KEPT_TITLE, KEPT_TEXT, "halb\ufffd")
    goal = client.post(f"/api/v1/processes/{world.process.id}/goals", json={"title": "\x01\x02"},
                       headers=bearer(world.steering))
    assert goal.status_code == 400 and "title" in goal.get_data(as_text=True)


def test_an_imported_list_drops_control_characters(client, login, world):
    login(world.moderator_a)
    rows = ("Name;E-Mail;Organisation;Typ;Funktion;Status\n"
            "J\x01ürgen\x1b Öztürk;;Handwerks\x7fkammer;Kammer;Refe\x0crent;\n")
    upload = client.post(f"/sessions/{world.session_a.id}/import", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(rows.encode()), "liste.csv")})
    assert upload.status_code == 302
    assert client.post(upload.headers["Location"] + "/confirm").status_code == 302
    person = db.session.scalar(select(Person).where(Person.name == "Jürgen Öztürk"))
    assert (person.organization.name, person.function) == ("Handwerkskammer", "Referent")
