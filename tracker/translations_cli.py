"""`flask --app wsgi translations update|compile|check`: one German catalogue per feature folder.

A feature's catalogue (tracker/<feature>/translations) holds the messages of tracker/<feature>/ and
templates/<feature>/; the core catalogue (tracker/translations) holds the rest. Flask-Babel merges them.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "tracker"
TEMPLATES = ROOT / "templates"
EXTRACT_KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None,
                    "ngettext": (1, 2), "lazy_ngettext": (1, 2),
                    "plural_message": (1, 2)}  # tracker.messages: a system message worded by a count
LOCALES = ["de"]


def feature_folders() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def sources(feature: str | None) -> list[Path]:
    """The folders whose messages go into one catalogue (None = core)."""
    if feature is not None:
        return [p for p in (PACKAGE / feature, TEMPLATES / feature) if p.exists()]
    return [PACKAGE, TEMPLATES]


def catalogue_dir(feature: str | None) -> Path:
    return (PACKAGE / feature if feature else PACKAGE) / "translations"


def _extract(feature: str | None) -> list[tuple[str | tuple[str, str], str]]:
    """(message, location) pairs of one catalogue's sources, without the other features' folders.

    A message is a string, or a (singular, plural) pair for ngettext.
    """
    features = set(feature_folders())
    found = []
    for folder in sources(feature):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            folder, method_map=[("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2")],
            options_map={"**.html": {"extensions": "jinja2.ext.do", "trimmed": "true"},
                         "**.txt": {"extensions": "jinja2.ext.do", "trimmed": "true"}},
            keywords=EXTRACT_KEYWORDS,
            directory_filter=lambda path: not Path(path).name.startswith((".", "__")),
        ):
            top = Path(filename).parts[0] if Path(filename).parts else ""
            if feature is None and (top in features or filename.startswith("translations_cli")):
                continue  # the features' own catalogues hold those
            if message:
                found.append((message, f"{folder.name}/{filename}:{lineno}"))
    return found


def all_catalogues() -> list[str | None]:
    return [None, *[f for f in feature_folders() if sources(f)]]


def _run(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


@click.group("translations")
def translations() -> None:
    """Keep the German catalogues in step with the code."""


@translations.command("update")
@click.option("--feature", "only", help="Only this feature's catalogue (its folder name; 'core' for the shared one).")
def update(only: str | None) -> None:
    """Extract messages and merge them into each catalogue (new ones come untranslated)."""
    chosen = all_catalogues()
    if only:
        chosen = [None if only == "core" else only]
    for feature in chosen:
        messages = _extract(feature)
        target = catalogue_dir(feature)
        if not messages and not target.exists():
            continue
        template = Catalog(fuzzy=False)
        for message, location in messages:
            path, _, line = location.rpartition(":")
            template.add(message, locations=[(path, int(line))])
        with tempfile.TemporaryDirectory() as tmp:
            pot = Path(tmp) / "messages.pot"
            with pot.open("wb") as handle:
                write_po(handle, template, width=0, sort_by_file=True)
            for locale in LOCALES:
                po = target / locale / "LC_MESSAGES" / "messages.po"
                if po.exists():
                    _run("update", "-i", str(pot), "-d", str(target), "-l", locale, "--no-wrap",
                         "--ignore-obsolete", "--no-fuzzy-matching")
                else:
                    _run("init", "-i", str(pot), "-d", str(target), "-l", locale, "--no-wrap")
        click.echo(f"{target.relative_to(ROOT)}: {len(template)} messages")


@translations.command("compile")
def compile_() -> None:
    """Compile every catalogue to .mo (the set-up does this; .mo files are not in git)."""
    for po in sorted(PACKAGE.glob("**/translations/*/LC_MESSAGES/messages.po")):
        _run("compile", "-i", str(po), "-o", str(po.with_suffix(".mo")), "--use-fuzzy")


def missing_translations(locale: str = "de") -> list[str]:
    """Message ids found in code and templates that no catalogue translates (or only fuzzily)."""
    translated: set[str] = set()
    for po in PACKAGE.glob(f"**/translations/{locale}/LC_MESSAGES/messages.po"):
        catalog = read_po(io.StringIO(po.read_text(encoding="utf-8")))
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(strings):
                translated.update(ids)
    missing = []
    for feature in all_catalogues():
        for message, location in _extract(feature):
            for msgid in message if isinstance(message, tuple) else (message,):
                if msgid not in translated:
                    missing.append(f"{location}: {msgid}")
    return sorted(set(missing))


@translations.command("check")
def check() -> None:
    """Fail when a message id has no German translation."""
    missing = missing_translations()
    for line in missing:
        click.echo(line)
    if missing:
        raise click.ClickException(f"{len(missing)} messages lack a German translation.")
    click.echo("All messages are translated.")
