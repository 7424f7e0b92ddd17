"""The cached parts of the measure list, the measure page and the public landing page: viewers with different
rights never get each other's fragment, and every form on these pages carries one fresh CSRF token."""

from __future__ import annotations

import re
import uuid

import pytest

from tests import factories
from tests.jobs.conftest import REDIS_URL, redis_available
from tracker import caching
from tracker.extensions import db
from tracker.measures import services as measures

POST_FORMS = re.compile(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', re.S)
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    if not redis_available():
        pytest.skip("no Redis on 127.0.0.1:6379")
    return {**app_config, "REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex[:10]}:"}


def reader(app, user):
    client = app.test_client()
    if user is not None:
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302
    return client


@pytest.fixture
def twins(world):
    """An idea raised in hub A's workshop and a near twin of it (a similar idea, shown to the internal roles)."""
    text = "Lastenräder für Handwerksbetriebe im Hafen, geliehen über den Hub, mit Ladestation am Kai."
    idea = factories.measure(world.process, world.hub_a, title="Lastenräder für Handwerker im Hafen",
                             description=text, session=world.session_a, proposer_organization=world.org_a)
    twin = factories.measure(world.process, world.hub_a, title="Lastenräder für Handwerker am Hafen",
                             description=text)
    db.session.commit()
    return idea, twin


@pytest.mark.parametrize("steering_first", [True, False])
def test_a_company_never_gets_the_steering_groups_measure_list(make_app, world, steering_first):
    other = make_app()
    steering, company = reader(other, world.steering), reader(other, world.company_b)
    url = f"/processes/{world.process.id}/measures?status=idea&sort=title"
    first, second = (steering, company) if steering_first else (company, steering)
    pages = {client: client.get(url).get_data(as_text=True) for client in (first, second)}
    assert "Idee aus A" in pages[company] and "Idee aus A" in pages[steering]
    assert 'name="source_ids"' in pages[steering] and 'id="merge-hub_id"' in pages[steering]
    for internal in ('name="source_ids"', 'name="target_id"', 'id="merge-hub_id"', "/duplicates"):
        assert internal not in pages[company]
    merge_form = re.search(r'<form[^>]*id="merge-form"[^>]*>(.*?)</form>', pages[company], re.S).group(1)
    assert not TOKEN.search(merge_form)


@pytest.mark.parametrize("steering_first", [True, False])
def test_a_moderator_gets_the_merge_controls_without_the_steering_groups_hub_choice(make_app, world, steering_first):
    other = make_app()
    steering, moderator = reader(other, world.steering), reader(other, world.moderator_a)
    url = f"/processes/{world.process.id}/measures"
    first, second = (steering, moderator) if steering_first else (moderator, steering)
    pages = {client: client.get(url).get_data(as_text=True) for client in (first, second)}
    assert 'name="source_ids"' in pages[moderator] and 'id="merge-hub_id"' not in pages[moderator]
    assert 'id="merge-hub_id"' in pages[steering]


def test_the_list_key_is_the_validated_filters_not_the_query_string(app, make_app, world):
    other = make_app()
    client = reader(other, world.company_a)
    base = f"/processes/{world.process.id}/measures"
    plain = client.get(f"{base}?hub={world.hub_a.id}").get_data(as_text=True)
    assert "Idee aus A" in plain and "Idee aus B" not in plain
    # Other spellings of the same filters, and junk, give the same list (one cache entry)...
    for spelling in (f"?hub=0{world.hub_a.id}&status=nonsense&page=x", f"?hub={world.hub_a.id}&sort=&focus=2"):
        page = client.get(base + spelling).get_data(as_text=True)
        assert "Idee aus A" in page and "Idee aus B" not in page
    # ...and a search is filtered, not served from the unfiltered entry.
    found = client.get(f"{base}?q=aus+b").get_data(as_text=True)
    assert "Idee aus B" in found and "Idee aus A" not in found
    with other.app_context():
        pattern = f"{other.config['CACHE_KEY_PREFIX']}html:measure-list*"
        keys = list(caching.cache.cache._write_client.scan_iter(pattern))
    assert len(keys) == 2


@pytest.mark.parametrize("steering_first", [True, False])
def test_a_company_of_another_hub_never_gets_the_internal_measure_page(make_app, world, twins, steering_first):
    idea, twin = twins
    other = make_app()
    steering, company = reader(other, world.steering), reader(other, world.company_b)
    url = f"/measures/{idea.id}"
    first, second = (steering, company) if steering_first else (company, steering)
    pages = {client: client.get(url).get_data(as_text=True) for client in (first, second)}
    internal = (f'href="/measures/{twin.id}"',  # the similar ideas: internal roles only
                f'href="/sessions/{world.session_a.id}"',  # hub A's workshop: not for a company of hub B
                f'action="/measures/{idea.id}/transition"', f'href="/measures/{idea.id}/edit"')
    for marker in internal:
        assert marker in pages[steering]
        assert marker not in pages[company]
    assert "Lastenräder für Handwerker im Hafen" in pages[company]


@pytest.mark.parametrize("own_hub_first", [True, False])
def test_the_workshop_an_idea_came_from_shows_only_to_those_who_may_see_it(make_app, world, twins, own_hub_first):
    """Two companies, the same visibility class: which sessions they may see is part of the key."""
    idea, _twin = twins
    other = make_app()
    own, foreign = reader(other, world.company_a), reader(other, world.company_b)
    first, second = (own, foreign) if own_hub_first else (foreign, own)
    pages = {client: client.get(f"/measures/{idea.id}").get_data(as_text=True) for client in (first, second)}
    assert f'href="/sessions/{world.session_a.id}"' in pages[own]
    assert f'href="/sessions/{world.session_a.id}"' not in pages[foreign]


def test_the_own_support_stays_with_its_viewer(make_app, world, twins):
    idea, _twin = twins
    measures.toggle_support(idea, by=world.company_a)
    db.session.commit()
    other = make_app()
    supporter, company = reader(other, world.company_a), reader(other, world.company_b)
    url = f"/measures/{idea.id}"
    mine, theirs = supporter.get(url).get_data(as_text=True), company.get(url).get_data(as_text=True)
    assert "Unterstützung zurückziehen" in mine and "Unterstützung zurückziehen" not in theirs
    assert world.org_a.name in theirs  # the supporters are the same for everyone


def test_a_visitor_and_a_member_get_the_same_public_landing_in_their_own_frame(make_app, world):
    other = make_app()
    member, visitor = reader(other, world.company_a), reader(other, None)
    url = f"/p/{world.process.id}"
    as_member, as_visitor = member.get(url).get_data(as_text=True), visitor.get(url).get_data(as_text=True)
    assert "Hub A" in as_member and "Hub A" in as_visitor
    assert world.company_a.name not in as_visitor and 'action="/logout"' not in as_visitor


def page_of(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def _forms(page: str) -> list[str]:
    forms = POST_FORMS.findall(page)
    assert forms
    for form in forms:
        assert len(TOKEN.findall(form)) == 1, form[:300]
    return forms


def test_every_form_of_the_cached_pages_submits_with_csrf_on(make_app, world, plan):
    other = make_app()
    client = reader(other, world.steering)
    other.config["WTF_CSRF_ENABLED"] = True
    url = f"/measures/{plan.focus.id}"
    client.get(url)
    page = client.get(url).get_data(as_text=True)  # the parts from the cache
    forms = _forms(page)
    comment = next(f for f in forms if 'name="text"' in f)
    token = TOKEN.search(comment).group(1)
    assert client.post(f"{url}/comments", data={"text": "Ohne Token"}).status_code == 400
    assert client.post(f"{url}/comments", data={"text": "Mit Token", "csrf_token": token}).status_code == 302
    assert "Mit Token" in client.get(url).get_data(as_text=True)

    # The implementation section's forms are kept without a token and get the reader's own.
    url = f"/measures/{plan.in_progress.id}"
    client.get(url)
    page = page_of(client, url)
    forms = _forms(page)
    assert len(forms) > 3
    report = next(f for f in forms if 'name="progress-percent"' in f)
    action = re.search(r'<form\b[^>]*action="([^"]+)"[^>]*>(?:(?!</form>).)*name="progress-percent"', page,
                       re.S).group(1)
    data = {"progress-on": "2026-01-15", "progress-percent": "64", "progress-light": "green"}
    assert client.post(action, data=data).status_code == 400
    assert client.post(action, data={**data, "csrf_token": TOKEN.search(report).group(1)}).status_code == 302
    assert "64" in page_of(client, url)

    listing = f"/processes/{world.process.id}/measures"
    client.get(listing)
    merge = next(f for f in _forms(client.get(listing).get_data(as_text=True)) if 'name="source_ids"' in f)
    refused = client.post(f"{listing}/merge", data={"target_id": "0"})
    assert refused.status_code == 400
    answered = client.post(f"{listing}/merge", data={"target_id": "0", "csrf_token": TOKEN.search(merge).group(1)})
    assert answered.status_code == 302  # the token is valid (nothing ticked: back to the list)


@pytest.mark.parametrize("steering_first", [True, False])
def test_the_implementation_forms_stay_with_those_who_may_report(make_app, world, plan, steering_first):
    other = make_app()
    steering, company = reader(other, world.steering), reader(other, world.company_b)
    other.config["WTF_CSRF_ENABLED"] = True
    url = f"/measures/{plan.in_progress.id}"
    first, second = (steering, company) if steering_first else (company, steering)
    pages = {client: page_of(client, url) for client in (first, second)}
    assert 'name="progress-percent"' in pages[steering] and 'name="milestone-title"' in pages[steering]
    assert 'name="progress-percent"' not in pages[company] and 'name="milestone-title"' not in pages[company]
    # No token is stored: neither reader's token is in the cache.
    tokens = {TOKEN.search(page).group(1) for page in pages.values()}
    with other.app_context():
        client = caching.cache.cache._write_client
        stored = [client.get(k) for k in client.scan_iter(f"{other.config['CACHE_KEY_PREFIX']}html:measure-page*")]
    assert stored and not any(token.encode() in value for token in tokens for value in stored)


def test_a_measure_carried_into_a_plan_update_shows_its_new_title_on_the_original(make_app, world, plan):
    """The later measure belongs to another process (other generations): the lineage is read on every request."""
    update = factories.process(name="Masterplan 2.0", parent_id=world.process.id)
    later = factories.measure(update, title="Gründerzentrum 2.0", origin_measure=plan.focus)
    db.session.commit()
    other = make_app()
    client = reader(other, world.steering)
    url = f"/measures/{plan.focus.id}"
    assert "Gründerzentrum 2.0" in page_of(client, url)
    later.title = "Gründerzentrum am Kanal, zweiter Bauabschnitt"
    db.session.commit()
    assert "zweiter Bauabschnitt" in page_of(client, url)
