"""Writes through the API are limited per token (issue 16, finding 24: 55 ideas per second were accepted)."""

from sqlalchemy import func, select

from tests.conftest import FreshContextClient
from tracker.api import tokens
from tracker.extensions import db
from tracker.measures.models import Measure


def test_api_writes_are_limited_per_token(make_app, world):
    app = make_app(RATELIMIT_ENABLED=True, API_WRITE_LIMIT="5 per minute")
    client: FreshContextClient = app.test_client()
    first, second = (tokens.create_token(world.company_a, name) for name in ("skript", "zweites"))
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Measure))
    url = f"/api/v1/processes/{world.process.id}/measures"

    def propose(token, n):
        return client.post(url, json={"title": f"Idee {n}", "hub_id": world.hub_a.id},
                           headers={"Authorization": f"Bearer {token}"})

    codes = [propose(first, n).status_code for n in range(7)]
    assert codes == [201] * 5 + [429] * 2
    refused = propose(first, 8)
    assert refused.json["error"]["code"] == "too_many_requests" and int(refused.headers["Retry-After"]) > 0
    assert propose(second, 9).status_code == 201  # another token has its own budget
    assert client.get(url, headers={"Authorization": f"Bearer {first}"}).status_code == 200  # reading goes on
    assert db.session.scalar(select(func.count()).select_from(Measure)) == before + 6
