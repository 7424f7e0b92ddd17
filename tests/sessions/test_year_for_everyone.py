"""Issue 18, item 9: companies see every hub's sessions in the year view (title, date, hub; never steering
meetings), with details only for their own hub — on the page and through the API."""

from tests import factories
from tracker.extensions import db
from tracker.sessions.models import SessionKind


def test_companies_see_every_hubs_sessions_but_open_only_their_own(client, login, world, bearer):
    steering_meeting = factories.session(world.process, None, kind=SessionKind.STEERING, title="Lenkungskreis intern")
    db.session.commit()
    login(world.company_a)
    page = client.get(f"/processes/{world.process.id}/sessions").get_data(as_text=True)
    assert f'href="/sessions/{world.session_a.id}"' in page
    assert "Workshop B1" in page and f'href="/sessions/{world.session_b.id}"' not in page
    assert "Lenkungskreis intern" not in page
    assert client.get(f"/sessions/{world.session_b.id}").status_code == 403  # the details stay with hub B
    year = client.get(f"/api/v1/processes/{world.process.id}/year", headers=bearer(world.company_a)).get_json()
    by_title = {item["title"]: item for item in year["items"]}
    assert by_title["Workshop A1"]["details"] is True and by_title["Workshop B1"]["details"] is False
    assert by_title["Workshop B1"]["hub_id"] == world.hub_b.id and "Lenkungskreis intern" not in by_title
    steering = client.get(f"/api/v1/processes/{world.process.id}/year", headers=bearer(world.steering)).get_json()
    assert any(item["id"] == steering_meeting.id and item["details"] for item in steering["items"])
