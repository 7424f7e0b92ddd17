"""Markdown handed out as Markdown keeps its formatting but carries no raw HTML and no code-running link
(issue 16, finding 18): whatever renders the exported file shows the text, never markup or scripts."""

import html

import pytest
from markdown_it import MarkdownIt

from tracker.markdown import markdown_escape, markdown_source

# A renderer that trusts raw HTML, as a wiki or a CMS might.
trusting = MarkdownIt("commonmark", {"html": True})

HOSTILE = [
    "<script>alert(1)</script>",
    "**fett** <img src=x onerror=alert(1)>",
    "[Klick](javascript:alert(1))",
    "[Klick](JaVa&#115;cript:alert(document.cookie)) und weiter",
    "[Klick](<javascript:alert(1)>)",
    "![Bild](data:text/html;base64,PHNjcmlwdD4=)",
    "[Verweis][x]\n\n[x]: vbscript:msgbox(1)",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">a</a>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_exported_markdown_renders_no_markup_and_no_script_link(text):
    html = trusting.render(markdown_source(text)).lower()
    assert "<script" not in html and "<img src=x" not in html  # raw HTML arrives as text, not as tags
    assert not any(f'{attribute}="{scheme}' in html for attribute in ("href", "src")
                   for scheme in ("javascript", "vbscript", "data"))


@pytest.mark.parametrize("text", ["**fett** und _kursiv_", "- eins\n- zwei", "[Stadt](https://example.org/a_(b))",
                                  "[Post](mailto:info@example.org)", "Code: `<b>` bleibt", "> Zitat"])
def test_harmless_markdown_stays_as_it_was(text):
    assert markdown_source(text) == text


@pytest.mark.parametrize("text", [
    "[Klick hier](http://evil.example) <img src=x onerror=alert(1)> # H", "# H", "## Ziel", "1. FC Köln", "3) drei",
    "- Punkt", "+ Punkt", "* Stern", "> Zitat", "===", "---", "**fett** _kursiv_ ~~weg~~", "`Code`",
    "![Bild](x.png)", "A &amp; B &#106;", "Müller & Söhne", "C:\\Pfad\\*", "snake_case_name", "12.03.2024", "#12",
])
def test_plain_text_renders_exactly_as_typed(text):
    """Probe 9: a name or title in a Markdown export shows as typed, never as formatting, link, heading or list."""
    rendered = MarkdownIt("commonmark", {"html": True}).enable("strikethrough").render(markdown_escape(text))
    assert rendered == f"<p>{html.escape(text, quote=False)}</p>\n"
