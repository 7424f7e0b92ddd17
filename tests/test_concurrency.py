"""Twenty people saving at once lose nothing: writers queue instead of failing with "database is locked"."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from tests import factories
from tracker.accounts.models import Role
from tracker.audit.models import AuditEvent
from tracker.extensions import db

WRITERS = 20
ROUNDS = 5


def test_twenty_concurrent_writers_lose_nothing(app, world):
    users = [factories.user(Role.COMPANY, organization=world.org_a) for _ in range(WRITERS)]
    db.session.commit()
    emails = [u.email for u in users]

    def work(email: str) -> list[int]:
        client = app.test_client()
        codes = []
        for _ in range(ROUNDS):
            codes.append(client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code)
            codes.append(client.post("/profile", data={"name": f"Name {email}", "function": "", "locale": "de"})
                         .status_code)
            codes.append(client.post("/logout").status_code)
        return codes

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(work, emails))

    assert all(code == 302 for codes in results for code in codes), results
    db.session.commit()  # end this test's own read snapshot before looking
    logins = db.session.scalar(select(func.count()).where(AuditEvent.action == "login",
                                                          AuditEvent.user_id.in_([u.id for u in users])))
    assert logins == WRITERS * ROUNDS
    for user in users:
        db.session.refresh(user.person)
        assert user.person.name == f"Name {user.email}"
