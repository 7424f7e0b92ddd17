"""Configuration: defaults here, environment variables over them, instance/config.py over both."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class Config:
    """Defaults for a small installation: SQLite in instance/, one process, German UI."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # set in load_config (needs the instance path)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_RECORD_QUERIES = False
    SECRET_KEY: str | None = None
    REDIS_URL: str | None = None

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")

    # Argon2id parameters; tests lower them to stay fast.
    PASSWORD_TIME_COST = 3
    PASSWORD_MEMORY_COST = 65536
    PASSWORD_MIN_LENGTH = 10

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True behind HTTPS (PREFERRED_URL_SCHEME=https does it)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a form open all evening in the workshop room must still save

    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    RATELIMIT_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute"  # login form posts per address (Flask-Limiter)
    # Failed logins counted in the database, shared by every server process.
    LOGIN_FAILURES_PER_ACCOUNT = "10 per 15 minutes"
    LOGIN_FAILURES_PER_ADDRESS = "20 per 15 minutes"
    # "Forgot password": form posts per address, and requests for one email from anywhere (Flask-Limiter).
    RATELIMIT_PASSWORD_RESET = "10 per hour"  # noqa: S105 - a rate, not a password
    RATELIMIT_PASSWORD_RESET_EMAIL = "3 per hour"  # noqa: S105
    PASSWORD_RESET_MAX_AGE = 2 * 3600  # seconds a mailed reset link works (once: setting a password ends it)
    RATELIMIT_HEADERS_ENABLED = True  # a 429 says when to try again (Retry-After)
    # Writes through the API, per token: enough for scripts replaying a workshop year, not for a flood.
    API_WRITE_LIMIT = "25 per second;3000 per hour"
    # Room mode: requests per phone (keyed by its room token: a whole room shares one address), and requests
    # of phones still without a token, per room (each gets one, up to the room count).
    ROOM_PHONE_LIMIT = "30 per minute;600 per hour"
    ROOM_JOIN_LIMIT = "300 per minute"
    PER_PAGE = 50  # rows on a listing page and in an API page unless the caller asks for another size

    # The plan's exports: beyond this many measures and ideas a PDF/DOCX is rendered in the background.
    PLAN_SYNC_EXPORT_LIMIT = 400
    # Participant and member imports: beyond this many rows a confirmed list is imported by a job.
    IMPORT_SYNC_ROWS = 200
    PLAN_CHART_IMAGES = True  # False: exports show the charts' data tables (no browser started)
    PLAN_CHART_MAX_AGE = 24 * 3600  # seconds a browser keeps a version's chart image (it never changes)
    # A plan measure without a progress report for longer counts as stale (?days= on the overview too).
    STALE_PROGRESS_DAYS = 90
    # Owners of a milestone are mailed this many days before it is due (`flask remind-milestones`, daily).
    MILESTONE_REMINDER_DAYS = 14

    # Mail: without MAIL_SERVER nothing is sent; mails wait in the outbox (admin → Outbox).
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "masterplan@localhost"
    # The address people reach the app at; links in mails sent by commands are built with it.
    PUBLIC_URL = "http://127.0.0.1:5000"
    # The domain in the UIDs of calendar entries (feeds, invitations). Set it once and keep it: a changed
    # domain makes subscribed calendars show every event twice. Unset: SERVER_NAME, else a fixed name.
    ICAL_UID_DOMAIN: str | None = None

    # A proxy in front (nginx, Caddy) sets X-Forwarded-*; number of trusted hops.
    PROXY_FIX_HOPS = 0


ENV_SETTINGS = {
    # environment variable -> (config key, type)
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "REDIS_URL": ("REDIS_URL", str),
    "JOBS_QUEUE": ("JOBS_QUEUE", str),  # installations sharing one Redis each use a queue of their own
    "CACHE_KEY_PREFIX": ("CACHE_KEY_PREFIX", str),  # … and a cache prefix of their own
    "PLAN_SYNC_EXPORT_LIMIT": ("PLAN_SYNC_EXPORT_LIMIT", int),
    "IMPORT_SYNC_ROWS": ("IMPORT_SYNC_ROWS", int),
    "PLAN_CHART_IMAGES": ("PLAN_CHART_IMAGES", lambda v: v.lower() in {"1", "true", "yes"}),
    "PROXY_FIX_HOPS": ("PROXY_FIX_HOPS", int),
    "SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", lambda v: v.lower() in {"1", "true", "yes"}),
    "BABEL_DEFAULT_LOCALE": ("BABEL_DEFAULT_LOCALE", str),
    "MAIL_SERVER": ("MAIL_SERVER", str),
    "MAIL_PORT": ("MAIL_PORT", int),
    "MAIL_USE_TLS": ("MAIL_USE_TLS", lambda v: v.lower() in {"1", "true", "yes"}),
    "MAIL_USE_SSL": ("MAIL_USE_SSL", lambda v: v.lower() in {"1", "true", "yes"}),
    "MAIL_USERNAME": ("MAIL_USERNAME", str),
    "MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "MAIL_DEFAULT_SENDER": ("MAIL_DEFAULT_SENDER", str),
    "PUBLIC_URL": ("PUBLIC_URL", str),
    "MILESTONE_REMINDER_DAYS": ("MILESTONE_REMINDER_DAYS", int),
    "ICAL_UID_DOMAIN": ("ICAL_UID_DOMAIN", str),
    "API_WRITE_LIMIT": ("API_WRITE_LIMIT", str),
    "TRUSTED_HOSTS": ("TRUSTED_HOSTS", lambda v: [h.strip() for h in v.split(",") if h.strip()]),
    "BENCHMARK_ENDPOINTS": ("BENCHMARK_ENDPOINTS", lambda v: v.lower() in {"1", "true", "yes"}),
}


def normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// spellings and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(app, test_config: dict | None) -> None:
    """Fill app.config: class defaults, environment, instance/config.py, then the test mapping."""
    app.config.from_object(Config)
    for variable, (key, convert) in ENV_SETTINGS.items():
        if os.environ.get(variable):
            app.config[key] = convert(os.environ[variable])
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "tracker.sqlite")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite serves several threads of one server process; writers wait instead of failing.
        options = {"connect_args": {"timeout": 30, "check_same_thread": False}}
        options.update(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    else:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def instance_secret_key(instance: Path) -> str:
    """Read instance/secret_key, creating it with a random key on first run (never in git)."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
