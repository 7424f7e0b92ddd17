"""Languages: German by default, English second; per user, else the browser's preference."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, has_request_context, request, session
from flask_babel import format_percent, get_locale
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


def percent(value: float | None, decimals: int = 0) -> str:
    """A percentage given as 0–100 in the language's way: "50,0 %" in German, "50.0%" in English."""
    pattern = get_locale().percent_formats[None].pattern  # e.g. "#,##0\u00a0%" (de), "#,##0%" (en)
    if decimals:
        pattern = pattern.replace("0", "0." + "0" * decimals, 1)
    return format_percent((value or 0) / 100, format=pattern)


def number_separators() -> str:
    """Decimal and thousands separator of the language, as plotly's layout.separators wants them."""
    symbols = get_locale().number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


def init_app(app) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(translation_directories()))
    babel.init_app(app, locale_selector=select_locale)
