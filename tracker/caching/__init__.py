"""Caching with correct invalidation: aggregates, figure specifications and rendered fragments are kept
under the data generations they depend on (tracker/caching/generations.py), the language and the
visibility class of the viewer; a write raises the generations in its own transaction, so the next
request on any server builds afresh. Flask-Caching on Redis with REDIS_URL, a local SimpleCache without.

Fragments must hold no CSRF token and nothing personal to the viewer: cache the part of a page that
is the same for everyone of one visibility class, and render forms and the viewer's own things around it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import current_app
from flask_babel import get_locale
from flask_caching import Cache
from markupsafe import Markup

from tracker.caching import generations
from tracker.caching.generations import MEASURES, PEOPLE, PLAN, SESSIONS  # noqa: F401 - the areas
from tracker.extensions import db

cache = Cache()
T = TypeVar("T")
# Visibility classes: who may see a cached item (a key never mixes two of them).
PUBLIC, MEMBERS, INTERNAL = "public", "members", "internal"


def init_app(app) -> None:
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("CACHE_TYPE", "RedisCache" if redis_url else "SimpleCache")
    app.config.setdefault("CACHE_REDIS_URL", redis_url)
    app.config.setdefault("CACHE_KEY_PREFIX", "tracker:")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 24 * 3600)  # generations invalidate; the timeout only frees
    app.config.setdefault("CACHE_THRESHOLD", 2000)
    cache.init_app(app)
    generations.install()


def key(name: str, process_id: int | None, areas: Iterable[str], visibility: str, vary: Iterable = ()) -> str:
    """The cache key: the item, the generations of the areas it shows, language and visibility class."""
    versions = generations.current(db.session, process_id, areas)
    parts = [name, str(process_id or 0), ".".join(map(str, versions)), str(get_locale()), visibility,
             *map(str, vary)]
    return ":".join(parts)


def cached(name: str, build: Callable[[], T], *, process_id: int | None, areas: Iterable[str],
           visibility: str = PUBLIC, vary: Iterable = ()) -> T:
    """`build()`'s value (plain data: it goes through pickle to Redis), built once per generation."""
    if not current_app.config.get("CACHE_ENABLED", True):
        return build()
    item_key = key(name, process_id, areas, visibility, vary)
    value = cache.get(item_key)
    if value is None:
        value = build()
        cache.set(item_key, value)
    return value


def fragment(name: str, render: Callable[[], str], **keyed: Any) -> Markup:
    """A rendered piece of a page (HTML without CSRF token or anything personal), built once per generation."""
    return Markup(cached("html:" + name, lambda: str(render()), **keyed))  # noqa: S704 - our own rendered template


# A fragment that holds forms keeps no CSRF token: the building request's token is taken out before it is
# stored, and the reading request's own token is put in when it is served.
SLOT_FOR_CSRF = "csrf-token-slot-7f3a"


def without_token(html: str) -> str:
    """The rendered HTML with this request's CSRF token (every form's) replaced by the slot."""
    from flask_wtf.csrf import generate_csrf
    return html.replace(generate_csrf(), SLOT_FOR_CSRF)


def with_token(html: str) -> Markup:
    """A stored fragment with this request's CSRF token in every form."""
    from flask_wtf.csrf import generate_csrf
    return Markup(html.replace(SLOT_FOR_CSRF, str(generate_csrf())))  # noqa: S704 - our own rendered template


def render_parts(template_name: str, **context: Any) -> dict[str, str]:
    """The top-level `{% set name %}…{% endset %}` blocks of a template, rendered once with only `context`
    (no request context: current_user, the session and `perm` are out of reach of a cached part)."""
    module = current_app.jinja_env.get_template(template_name).make_module(context)
    return {name: str(value) for name, value in module.__dict__.items()
            if not name.startswith("_") and isinstance(value, str)}


def fragments(name: str, render: Callable[[], dict[str, str]], **keyed: Any) -> dict[str, Markup]:
    """Several rendered pieces of one page under one key (one look-up), for a page that puts its forms and
    the viewer's own things between them."""
    parts = cached("html:" + name, lambda: {part: str(html) for part, html in render().items()}, **keyed)
    return {part: Markup(html) for part, html in parts.items()}  # noqa: S704 - our own rendered templates
