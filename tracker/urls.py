"""Addresses of the app as people reach it (PUBLIC_URL), never taken from a request's Host header.

Links that leave the app — in mails, set-password links, calendar entries — are built here, so a
request with a forged Host cannot plant its own address in them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of an endpoint under PUBLIC_URL (with its path prefix, if any)."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/",
                                       url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def public_host() -> str:
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def trusted_hosts(app: Flask) -> list[str]:
    """Hosts the app answers for: TRUSTED_HOSTS when set, else PUBLIC_URL's host and the local names."""
    configured = app.config.get("TRUSTED_HOSTS")
    if configured:
        return list(configured)
    host = urlsplit(app.config["PUBLIC_URL"]).hostname
    return list(dict.fromkeys([*(h for h in [host] if h), *LOCAL_HOSTS]))


def local_path(target: str | None) -> str | None:
    """A path on this site to send the user back to, or None: never another host, however spelled
    (`//host`, `/\\host`, or `/<tab>/host`, which browsers read as `//host` because they drop tabs and
    line breaks from URLs)."""
    if not target or any(ord(ch) < 32 or ch in "\\\x7f" for ch in target):
        return None
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return None
    return target
