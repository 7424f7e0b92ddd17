"""One cleaning of names before they are stored or compared (tracker/organizations/names.py)."""

import pytest

from tracker.organizations.names import clean_name, name_key


@pytest.mark.parametrize("typed,kept", [
    ("  Alpha   GmbH ", "Alpha GmbH"),
    ("Alpha\u200b\u200c\u200d\u2060\ufeff GmbH", "Alpha GmbH"),  # zero-width space, (non-)joiner, word joiner, BOM
    ("Al\u00adpha GmbH", "Alpha GmbH"),  # soft hyphen
    ("Alpha\x00\x01\x7f GmbH", "Alpha GmbH"),  # control characters
    ("Alpha\tGmbH\n& Co.\u00a0KG", "Alpha GmbH & Co. KG"),  # any spacing becomes one space
    ("Ａｌｐｈａ ＧｍｂＨ", "Alpha GmbH"),  # full-width forms (NFKC)
    ("\u202eHbmG ahplA", "HbmG ahplA"),  # bidirectional override
    ("\u200b \u00ad", ""),
])
def test_clean_name(typed, kept):
    assert clean_name(typed) == kept


def test_name_key_ignores_case_and_unicode_form():
    assert name_key("Mu\u0308LLER gmbh") == name_key("müller GmbH") == "müller gmbh"
    assert name_key("STRASSE AG") == name_key("Straße AG")
