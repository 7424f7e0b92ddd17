"""Sessions, cookies, headers and request sizes."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.sessions.models import ActionItem


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


def test_remember_cookie_is_secure_when_the_session_cookie_is(make_app, world):
    """Issue 16, finding 12: with SESSION_COOKIE_SECURE the one-year remember cookie went out without Secure."""
    client = make_app(SESSION_COOKIE_SECURE=True).test_client()
    response = client.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD,
                                           "remember": "y"}, base_url="https://localhost")
    remember = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert remember and all("Secure" in c and "HttpOnly" in c for c in remember)


def test_hsts_is_sent_behind_https_only(make_app, world):
    """Issue 16, finding 12: behind a TLS proxy (X-Forwarded-Proto) the app sends HSTS; over plain HTTP not."""
    client = make_app(PROXY_FIX_HOPS=1).test_client()
    secure = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_unknown_hosts_are_refused_and_links_come_from_public_url(make_app, world):
    """Issue 16, finding 10: links in mails followed the request's Host header."""
    from tracker.mail.models import OutboxMail
    from tracker.measures.models import MeasureStatus

    app = make_app(PUBLIC_URL="https://masterplan.example.org", TRUSTED_HOSTS=["localhost", "masterplan.example.org"])
    client = app.test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    client.post("/login", data={"email": world.moderator_a.email, "password": factories.PASSWORD})
    world.measure_a.proposer_person = world.company_a.person
    db.session.commit()
    client.post(f"/measures/{world.measure_a.id}/transition", data={"to": MeasureStatus.IN_REVIEW.value})
    mail = db.session.scalar(select(OutboxMail))
    assert "https://masterplan.example.org/measures/" in mail.body_text
    assert "http://localhost" not in mail.body_text + mail.body_html


def test_pages_and_api_answers_with_personal_data_are_not_stored(client, world, login, bearer):
    """Issue 16, finding 25."""
    headers = bearer(world.company_a)
    assert client.get("/api/v1/people", headers=headers).headers["Cache-Control"] == "no-store"
    login(world.company_a)
    assert client.get("/profile").headers["Cache-Control"] == "no-store"
    assert client.get(f"/measures/{world.measure_a.id}").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


@pytest.mark.parametrize("target", ["//evil.example", "/\t/evil.example", "/\\evil.example", "/\n/evil.example",
                                    "https://evil.example/", "javascript:alert(1)"])
def test_going_back_never_leaves_the_site(client, world, login, target):
    """Probe 8: `next=/%09/evil.com` redirected to //evil.com (browsers drop the tab) after ticking off an
    action item and after merging ideas."""
    item = ActionItem(session=world.session_a, text="Liste schicken", owner_id=world.company_a.person.id)
    db.session.add(item)
    db.session.commit()
    login(world.company_a)
    ticked = client.post(f"/action-items/{item.id}/done", data={"done": "1", "next": target})
    client.post("/logout")
    login(world.moderator_a)
    merged = client.post(f"/processes/{world.process.id}/measures/merge", data={"next": target})
    client.post("/logout")
    relogin = client.post("/login", data={"email": world.company_a.email, "password": factories.PASSWORD,
                                          "next": target})
    for response in (ticked, merged, relogin):
        assert response.status_code in (302, 303)
        location = urlsplit(response.headers["Location"])
        assert location.netloc in ("", "localhost") and location.path.startswith("/") \
            and not location.path.startswith("//"), response.headers["Location"]
