"""Languages: German by default, English second; per user, else the browser's preference."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, has_request_context, request, session
from flask_login import current_user

from tracker.extensions import babel

PACKAGE = Path(__file__).parent


def translation_directories() -> list[str]:
    """Each feature folder may keep its own catalogue; Flask-Babel merges them all."""
    return [str(path) for path in sorted(PACKAGE.glob("**/translations")) if path.is_dir()]


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and background work: the installation's default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(translation_directories()))
    babel.init_app(app, locale_selector=select_locale)
