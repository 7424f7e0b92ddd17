"""German is complete and the default; English is the second language."""

from tracker.translations_cli import missing_translations


def test_german_catalogue_translates_every_message_in_code_and_templates():
    missing = missing_translations("de")
    assert missing == [], "Run `flask --app wsgi translations update` and translate:\n" + "\n".join(missing)


def test_german_is_the_default(client, world):
    page = client.get("/").get_data(as_text=True)
    assert 'lang="de"' in page and "Anmelden" in page


def test_browser_preference_for_english_is_honoured(client, world):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in page and "Log in" in page


def test_language_switch_is_remembered(client, world):
    client.post("/language", data={"locale": "en", "next": "/"})
    assert "Log in" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "de", "next": "/"})
    assert "Anmelden" in client.get("/").get_data(as_text=True)


def test_dates_are_formatted_for_the_locale(client, world, login):
    login(world.steering)
    german = client.get(f"/sessions/{world.session_a.id}").get_data(as_text=True)
    assert "Mittwoch, 17. Oktober 2018" in german
    client.post("/language", data={"locale": "en"})
    english = client.get(f"/sessions/{world.session_a.id}").get_data(as_text=True)
    assert "Wednesday, October 17, 2018" in english
