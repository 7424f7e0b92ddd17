"""Login limits hold across server processes, per account and per address, and time reveals nothing
about an account (issue 16, finding 15)."""

import pytest
from argon2 import PasswordHasher

from tests import factories
from tracker.accounts import services
from tracker.extensions import db

LIMITS = {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "1000 per minute",
          "LOGIN_FAILURES_PER_ACCOUNT": "10 per 15 minutes", "LOGIN_FAILURES_PER_ADDRESS": "20 per 15 minutes"}


def _try(client, email, password="falsch-123456"):
    return client.post("/login", data={"email": email, "password": password}).status_code


def test_failed_logins_of_one_account_are_counted_across_workers(make_app, world):
    """Two workers kept their own counters in memory and so allowed twice the limit."""
    workers = [make_app(**LIMITS).test_client(), make_app(**LIMITS).test_client()]
    codes = [_try(workers[n % 2], world.company_a.email) for n in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    # The right password waits too while the account is locked; another account is not affected.
    assert _try(workers[0], world.company_a.email, factories.PASSWORD) == 429
    assert _try(workers[1], world.company_b.email, factories.PASSWORD) == 302


def test_failed_logins_from_one_address_are_counted_across_accounts(make_app, world):
    workers = [make_app(**LIMITS).test_client(), make_app(**LIMITS).test_client()]
    codes = [_try(workers[n % 2], f"raten{n}@example.org") for n in range(21)]
    assert codes[:20] == [401] * 20 and codes[20] == 429
    response = workers[0].post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


@pytest.fixture
def verifications(monkeypatch):
    calls = []
    verify = PasswordHasher.verify

    def counting(self, hash, password):
        calls.append(hash)
        return verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return calls


def test_one_argon2_verification_for_unknown_deactivated_and_real_accounts(app, world, verifications):
    """A deactivated account answered in 11 ms, a real one in 240–290 ms: timing told them apart."""
    deactivated = factories.user(name="Deaktiviert")
    deactivated.is_active_account = False
    without_password = factories.user(name="Ohne Passwort", password=None)
    db.session.commit()
    attempts = [("niemand@example.org", "egal-12345"), (deactivated.email, factories.PASSWORD),
                (without_password.email, "egal-12345"), (world.company_a.email, "falsch-12345"),
                (world.company_a.email, factories.PASSWORD)]
    for email, password in attempts:
        before = len(verifications)
        services.authenticate(email, password)
        assert len(verifications) - before == 1, email
    assert services.authenticate(deactivated.email, factories.PASSWORD) is None
