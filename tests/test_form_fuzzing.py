"""Fuzzing the main forms: whatever a person types, the answer is never a 500 and their input is kept."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from tracker.text import single_line

pytestmark = pytest.mark.slow

# Text as people (and attackers) type it: any unicode, NULs and other control characters too (forms drop them).
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
short = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                min_size=1, max_size=60)
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _kept(value: str, page: str) -> bool:
    """The typed value is in the re-rendered form (HTML-escaped, cleaned as every one-line field cleans:
    no control characters, spacing as single spaces)."""
    kept = single_line(value)
    return not kept or str(escape(kept)) in page


# (url template, role that may post, fields: name -> strategy, field whose value must survive a 400)
FORMS = [
    ("/login", None, {"email": text, "password": text}, None),
    ("/profile", "company_a", {"name": text, "function": text, "locale": text}, "function"),
    ("/profile/password", "company_a", {"pw-current_password": text, "pw-password": text, "pw-confirm": text}, None),
    ("/admin/users/new", "admin", {"name": short, "email": text, "function": text, "role": text,
                                   "organization_id": text}, "name"),
    ("/processes/{process}/phase", "steering", {"phase": text}, None),
]


@pytest.mark.parametrize("url,role,fields,kept_field", FORMS, ids=[f[0] for f in FORMS])
def test_forms_never_fail_and_keep_input(client, world, login, url, role, fields, kept_field):
    if role:
        login(getattr(world, role))
    target = url.format(process=world.process.id)

    @FUZZ
    @given(st.fixed_dictionaries(fields))
    def post(data):
        response = client.post(target, data=data)
        assert response.status_code < 500, (target, data)
        if response.status_code == 400 and kept_field:
            assert _kept(data[kept_field], response.get_data(as_text=True)), (kept_field, data[kept_field])

    post()
