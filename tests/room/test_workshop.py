"""Issue 18, done when: a prioritisation workshop with 30 phones and a paper tally counts 40 voters.

The phones here are Flask test clients, each with its own cookie jar (the three real browsers are in
tests/browser/test_room.py).
"""

from __future__ import annotations

from decimal import Decimal

from tracker.extensions import db
from tracker.measures.models import Measure, MeasureStatus
from tracker.prioritisation import services as prioritisation
from tracker.room import services as room_services
from tracker.room.models import CardStatus, RoomCard


def _start_room(app, world, session, people=30):
    moderator = app.test_client()
    assert moderator.post("/login", data={"email": world.steering.email, "password": "Test-Passwort-123"}
                          ).status_code == 302
    response = moderator.post(f"/sessions/{session.id}/room/start", data={"people": str(people)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return moderator, room_services.room_of(session).code


def test_a_workshop_with_thirty_phones_and_a_paper_tally_counts_forty(app, world, workshop, dots_round, proposals):
    moderator, code = _start_room(app, world, workshop)
    first, second, third = (p.id for p in proposals)
    phones = []
    for n in range(30):
        phone = app.test_client()
        page = phone.get(f"/r/{code}")
        assert page.status_code == 200 and "Punkte im Raum" in page.get_data(as_text=True)
        ballot = {f"m{first}": "2", f"m{second}": "1"} if n % 2 == 0 else {f"m{second}": "2", f"m{third}": "1"}
        assert phone.post(f"/r/{code}/ballot", data=ballot).status_code == 302
        phones.append(phone)

    again = phones[0].post(f"/r/{code}/ballot", data={f"m{third}": "2"})
    assert again.status_code == 409 and "bereits abgestimmt" in again.get_data(as_text=True)
    assert phones[0].get(f"/r/{code}").status_code == 200  # the phone itself still gets in
    thirty_first = app.test_client().get(f"/r/{code}")
    assert thirty_first.status_code == 403 and "voll" in thirty_first.get_data(as_text=True)

    # The wall: 10 people, 12 dots on the first proposal, 9 on the third.
    tally = moderator.post(f"/rounds/{dots_round.id}/tallies",
                           data={"voters": "10", f"m{first}": "12", f"m{second}": "0", f"m{third}": "9"})
    assert tally.status_code == 302, tally.get_data(as_text=True)[:800]

    db.session.expire_all()
    assert prioritisation.voter_sources(dots_round) == {"accounts": 0, "room": 30, "paper": 10}
    assert prioritisation.voter_count(dots_round) == 40
    assert moderator.post(f"/rounds/{dots_round.id}/close").status_code == 302
    db.session.expire_all()
    scores = {r.measure_id: r.score for r in dots_round.results}
    assert scores == {first: Decimal(15 * 2 + 12), second: Decimal(15 * 1 + 15 * 2), third: Decimal(15 + 9)}
    page = moderator.get(f"/rounds/{dots_round.id}").get_data(as_text=True)
    assert "40 Personen haben abgestimmt" in page
    assert "30 im Raum" in page and "10 auf Papier" in page


def test_cards_from_phones_become_ideas_of_the_session_once_accepted(app, world, workshop):
    moderator, code = _start_room(app, world, workshop, people=5)
    phone = app.test_client()
    phone.get(f"/r/{code}")
    handed = phone.post(f"/r/{code}/cards", data={"title": "Gründerzentrum am Hafen", "text": "Mit Werkstätten",
                                                 "name": "Rosa Raum", "organization_name": "  alpha gmbh ",
                                                 "consent_named": "y"})
    assert handed.status_code == 302
    other = app.test_client()
    other.post(f"/r/{code}/cards", data={"title": "Nur ein Gedanke", "name": "Niemand"})
    live = moderator.get(f"/sessions/{workshop.id}/room/live").get_json()
    assert [c["title"] for c in live["cards"]] == ["Gründerzentrum am Hafen", "Nur ein Gedanke"]
    assert [c["name"] for c in live["cards"]] == ["Rosa Raum", ""]  # no consent, no name

    cards = db.session.scalars(db.select(RoomCard).order_by(RoomCard.id)).all()
    assert moderator.post(f"/room-cards/{cards[0].id}/accept").status_code == 302
    assert moderator.post(f"/room-cards/{cards[1].id}/discard").status_code == 302
    db.session.expire_all()
    idea = db.session.scalar(db.select(Measure).where(Measure.title == "Gründerzentrum am Hafen"))
    assert idea.status == MeasureStatus.IDEA and idea.session_id == workshop.id
    assert idea.proposer_organization_id == world.org_a.id
    assert "Rosa Raum" in idea.description
    assert cards[1].status == CardStatus.DISCARDED and cards[1].name == ""
    assert db.session.scalar(db.select(Measure).where(Measure.title == "Nur ein Gedanke")) is None
    assert moderator.post(f"/room-cards/{cards[0].id}/accept").status_code == 303  # decided once


def test_the_link_works_only_while_room_mode_runs(app, world, workshop):
    moderator, code = _start_room(app, world, workshop, people=3)
    phone = app.test_client()
    assert phone.get(f"/r/{code}").status_code == 200
    assert moderator.post(f"/sessions/{workshop.id}/room/stop").status_code == 302
    assert phone.get(f"/r/{code}").status_code == 404
    assert phone.post(f"/r/{code}/cards", data={"title": "Zu spät"}).status_code == 404
    assert app.test_client().get("/r/unbekannt").status_code == 404
