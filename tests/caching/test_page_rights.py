"""The hub and session pages keep their cached parts per visibility class and rights on the hub or session:
a viewer never gets the part built for someone with other rights (no edit button, no delegate's or attendee's
name, no draft minutes, no steering meeting leaks), and every form carries one valid CSRF token of the viewer's
own session, also when the rest of the page came from the cache."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tracker.caching import cache
from tracker.extensions import db
from tracker.measures.models import Measure
from tracker.sessions.models import ActionItem, SessionKind

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _client(app, user, *, csrf: bool = False):
    client = app.test_client()
    data = {"email": user.email, "password": factories.PASSWORD}
    if csrf:
        data["csrf_token"] = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data=data).status_code == 302
    return client


def _logged_in(app, world, names) -> dict:
    """Everyone logged in first (a login changes the user's row, which raises the generation of people),
    then an empty cache."""
    clients = {name: _client(app, getattr(world, name)) for name in names}
    cache.clear()
    return clients


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.fixture
def doris(world):
    """A second delegate of Alpha GmbH (hub A), on the list of hub A's workshop: her name is personal data
    that only the hub's organisers see on these pages."""
    person = factories.person(world.org_a, name="Doris Delegierte")
    next(m for m in world.hub_a.memberships if m.organization_id == world.org_a.id).delegates.append(person)
    factories.attendance(world.session_a, person)
    db.session.commit()
    return person


# viewer -> (manages hub A, sees hub A's sessions)
HUB_VIEWERS = {"steering": (True, True), "moderator_a": (True, True), "moderator_b": (False, True),
               "company_a": (False, True), "company_b": (False, False), "admin": (True, True)}


@pytest.mark.parametrize("order", [1, -1], ids=["forward", "backward"])
def test_hub_page_parts_never_pass_to_a_viewer_with_other_rights(app, world, doris, order):
    """Everyone visits in turn (a viewer sharing a key with an earlier one would get that one's part)."""
    clients = _logged_in(app, world, HUB_VIEWERS)
    url = f"/hubs/{world.hub_a.id}"
    for name, (manages, sees_sessions) in list(HUB_VIEWERS.items())[::order]:
        html = _page(clients[name], url)
        assert ('form="remove-delegate"' in html) is manages, name
        assert ("Doris Delegierte" in html) is manages, name  # the delegates of the members
        assert ("/sessions/new" in html) is manages, name
        assert (f'href="/hubs/{world.hub_a.id}/edit"' in html) is (name in ("steering", "admin")), name
        assert (f'href="/sessions/{world.session_a.id}"' in html) is sees_sessions, name
        assert "Idee aus A" in html and "Alpha GmbH" in html  # ideas and members: for everyone


# viewer -> organises hub A's workshop (draft minutes, the list of attendees, the forms)
SESSION_VIEWERS = {"steering": True, "moderator_a": True, "moderator_b": False, "company_a": False, "admin": True}


@pytest.mark.parametrize("order", [1, -1], ids=["forward", "backward"])
def test_session_page_parts_never_pass_to_a_viewer_with_other_rights(app, world, doris, order):
    clients = _logged_in(app, world, SESSION_VIEWERS)
    url = f"/sessions/{world.session_a.id}"
    for name, organises in list(SESSION_VIEWERS.items())[::order]:
        html = _page(clients[name], url)
        assert ("Geheimer Entwurf A" in html) is organises, name  # draft minutes
        assert ("Doris Delegierte" in html) is organises, name  # the attendance list and the owners to choose
        assert ('name="idea-title"' in html) is organises, name
        assert (f'href="/sessions/{world.session_a.id}/edit"' in html) is organises, name
        assert "Workshop A1" in html and "Idee aus A" not in html
    # a company of another hub does not see the workshop at all, cached or not
    assert _client(app, world.company_b).get(url).status_code == 403


def test_a_cached_steering_meeting_stays_with_the_steering_group(app, world):
    meeting = factories.session(world.process, None, kind=SessionKind.STEERING, title="Vertrauliche Runde",
                                minutes="Geheime Haushaltsfragen")
    db.session.commit()
    url = f"/sessions/{meeting.id}"
    clients = _logged_in(app, world, ("steering", "admin", "moderator_a", "moderator_b", "company_a", "company_b"))
    html = _page(clients["steering"], url)  # now in the cache
    assert "Vertrauliche Runde" in html and "Geheime Haushaltsfragen" in html
    for name in ("moderator_a", "moderator_b", "company_a", "company_b"):
        client = clients[name]
        response = client.get(url)
        assert response.status_code == 403, name
        assert "Geheime Haushaltsfragen" not in response.get_data(as_text=True)
        assert "Vertrauliche Runde" not in _page(client, f"/hubs/{world.hub_a.id}"), name
    assert "Geheime Haushaltsfragen" in _page(clients["admin"], url)


def _forms(html: str) -> list[str]:
    return re.findall(r"<form\b.*?</form>", html, flags=re.S)


def _check_forms(html: str) -> str:
    """Every post form has exactly one CSRF token, every button of a form elsewhere names a form on the page,
    and the page has one token (its own)."""
    posts = [form for form in _forms(html) if 'method="post"' in form]
    assert posts
    for form in posts:
        assert len(TOKEN.findall(form)) == 1, form
    ids = set(re.findall(r'<form\b[^>]*\bid="([^"]+)"', html))
    assert set(re.findall(r'\bform="([^"]+)"', html)) <= ids
    tokens = set(TOKEN.findall(html))
    assert len(tokens) == 1
    return tokens.pop()


def test_hub_page_forms_hold_the_viewers_own_token(make_app, world, doris):
    app = make_app(WTF_CSRF_ENABLED=True)
    url = f"/hubs/{world.hub_a.id}"
    first, second = _client(app, world.steering, csrf=True), _client(app, world.steering, csrf=True)
    _check_forms(_page(first, url))
    html = _page(second, url)  # the delegates' table from the cache
    token = _check_forms(html)
    assert 'form="remove-delegate"' in html and "Doris Delegierte" in html
    remove = re.search(rf'formaction="(/hubs/\d+/members/\d+/delegates/{doris.id}/remove)"', html).group(1)
    assert second.post(remove, data={}).status_code == 400  # without a token: refused
    assert second.post(remove, data={"csrf_token": token}).status_code == 302
    assert "Doris Delegierte" not in _page(first, url)


def test_session_page_forms_hold_the_viewers_own_token(make_app, world):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        item = ActionItem(session_id=world.session_a.id, text="Raum buchen")
        db.session.add(item)
        db.session.commit()
        item_id = item.id
    url = f"/sessions/{world.session_a.id}"
    first, second = _client(app, world.moderator_a, csrf=True), _client(app, world.moderator_a, csrf=True)
    _check_forms(_page(first, url))
    html = _page(second, url)  # the form fields from the cache, the forms and tokens of this request
    token = _check_forms(html)
    own = [f for f in _forms(html) if 'action="/sessions/' in f or 'action="/action-items/' in f]
    assert len(own) == 5  # status, approve the minutes, tick off, add an action item, record an idea
    assert 'name="item-text"' in html and 'name="idea-title"' in html
    assert second.post(f"/sessions/{world.session_a.id}/action-items",
                       data={"item-text": "Flipchart mitbringen", "item-owner_id": "0"}).status_code == 400
    added = second.post(f"/sessions/{world.session_a.id}/action-items",
                        data={"csrf_token": token, "item-text": "Flipchart mitbringen", "item-owner_id": "0"})
    assert added.status_code == 302
    assert second.post(f"/sessions/{world.session_a.id}/ideas", data={
        "csrf_token": token, "idea-title": "Hafenbus", "idea-organization_id": str(world.org_a.id)}).status_code == 302
    assert second.post(f"/action-items/{item_id}/done", data={"csrf_token": token, "done": "1"}).status_code == 302
    html = _page(first, url)
    assert "Flipchart mitbringen" in html and "Hafenbus" in html
    with app.app_context():
        assert db.session.get(ActionItem, item_id).done
        assert db.session.query(Measure).filter_by(title="Hafenbus", session_id=world.session_a.id).count() == 1


def test_the_owner_of_an_action_item_ticks_it_off_on_a_cached_page(app, world):
    """Who may tick an item off is the viewer's own: the owner, and the session's organisers."""
    mine = ActionItem(session_id=world.session_b.id, text="Flyer drucken", owner_id=world.company_b.person.id)
    other = ActionItem(session_id=world.session_b.id, text="Raum buchen")
    db.session.add_all([mine, other])
    db.session.commit()
    clients = _logged_in(app, world, ("moderator_b", "company_b", "moderator_a"))
    url = f"/sessions/{world.session_b.id}"
    expected = {"moderator_b": {mine.id, other.id}, "company_b": {mine.id}, "moderator_a": set()}
    for name in ("moderator_b", "company_b", "moderator_a", "company_b"):
        html = _page(clients[name], url)
        assert "Flyer drucken" in html and "Raum buchen" in html
        ticks = {int(i) for i in re.findall(r'action="/action-items/(\d+)/done"', html)}
        assert ticks == expected[name], name
