"""Sessions, cookies, headers and request sizes."""

import pytest

from tests import factories


def test_session_cookie_is_httponly_and_samesite_lax(client, world):
    response = client.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in development


def test_session_cookie_is_secure_when_configured_for_https(make_app, world):
    client = make_app(SESSION_COOKIE_SECURE=True).test_client()
    response = client.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD},
                           base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_oversized_requests_are_refused(make_app, world):
    client = make_app(MAX_CONTENT_LENGTH=1024).test_client()
    response = client.post("/login", data={"email": "x" * 4096, "password": "y"})
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/", "/login"])
def test_pages_forbid_framing_and_sniffing(client, world, path):
    headers = client.get(path).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_rate_limits_are_kept_in_redis_when_configured(make_app, world):
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        server.flushdb()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client = make_app(REDIS_URL="redis://127.0.0.1:6379/15", RATELIMIT_ENABLED=True).test_client()
    codes = [client.post("/login", data={"email": "x@example.org", "password": "nope"}).status_code
             for _ in range(11)]
    assert codes[-1] == 429
    assert any(b"login" in key for key in server.keys("*")), "the limiter's counters are not in Redis"
    server.flushdb()
    server.close()
