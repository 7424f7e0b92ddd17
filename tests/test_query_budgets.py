"""The number of SQL queries per page does not grow with the data, and stays under a budget."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from benchmarks.generate import BENCH_PASSWORD, Shape, generate
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.hubs.models import Hub
from tracker.measures.models import Measure
from tracker.sessions.models import Session

SMALL = Shape(hubs=2, organizations_per_hub=3, sessions_per_hub=2, ideas_per_hub=4, adopted_per_hub=2)
LARGE = Shape(hubs=6, organizations_per_hub=9, sessions_per_hub=6, ideas_per_hub=12, adopted_per_hub=6)

# page -> the most queries it may make (login and session loading included)
BUDGETS = {
    # Cached parts read their data generations (one query each); the overview also shows the lineage, carried-over
    # measures and phase dates of a plan update.
    "process overview": 26,
    "hub page": 18,
    "session page": 16,
    "measure list": 11,
    "measure page": 24,
    "organisation list": 8,
    "process dashboard": 40,
    "plan draft (HTML)": 45,
    "public progress page": 20,
    "public landing page": 13,
    "API measure list": 20,
    "API session list": 20,
}


def _pages(process_id: int) -> dict[str, str]:
    hub = db.session.scalar(select(Hub).where(Hub.process_id == process_id).order_by(Hub.id).limit(1))
    session = db.session.scalar(select(Session).where(Session.hub_id == hub.id).order_by(Session.id).limit(1))
    measure = db.session.scalar(select(Measure).where(Measure.hub_id == hub.id).order_by(Measure.id).limit(1))
    return {
        "process overview": f"/processes/{process_id}",
        "hub page": f"/hubs/{hub.id}",
        "session page": f"/sessions/{session.id}",
        "measure list": f"/processes/{process_id}/measures",
        "measure page": f"/measures/{measure.id}",
        "organisation list": "/organizations/",
        "process dashboard": f"/processes/{process_id}/dashboard",
        "plan draft (HTML)": f"/processes/{process_id}/plan",
        "public progress page": f"/p/{process_id}/progress",
        "public landing page": f"/p/{process_id}",
        "API measure list": f"/api/v1/processes/{process_id}/measures",
        "API session list": f"/api/v1/processes/{process_id}/sessions",
    }


def _count_queries(app, client, path: str, headers: dict) -> int:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path, headers=headers if path.startswith("/api/") else {})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, path
    return len(statements)


def _measure(app, shape: Shape, seed: int) -> dict[str, int]:
    [process_id] = generate(shape=shape, processes=1, seed=seed)
    steering = db.session.scalar(select(User).where(User.role == Role.STEERING).order_by(User.id.desc()).limit(1))
    client = app.test_client()
    assert client.post("/login", data={"email": steering.email, "password": BENCH_PASSWORD}).status_code == 302
    from tracker.api.tokens import create_token

    headers = {"Authorization": f"Bearer {create_token(steering, 'budget')}"}
    db.session.commit()
    return {name: _count_queries(app, client, path, headers) for name, path in _pages(process_id).items()}


@pytest.fixture
def query_counts(app) -> tuple[dict[str, int], dict[str, int]]:
    small = _measure(app, SMALL, seed=1)
    large = _measure(app, LARGE, seed=2)
    return small, large


def test_queries_per_page_do_not_grow_with_the_data(query_counts):
    small, large = query_counts
    assert large == small


@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_queries_per_page_stay_within_budget(query_counts, page):
    small, _ = query_counts
    assert small[page] <= BUDGETS[page], f"{page}: {small[page]} queries"
