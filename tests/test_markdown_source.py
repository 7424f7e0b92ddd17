"""Markdown handed out as Markdown keeps its formatting but carries no raw HTML and no code-running link
(issue 16, finding 18): whatever renders the exported file shows the text, never markup or scripts."""

import pytest
from markdown_it import MarkdownIt

from tracker.markdown import markdown_source

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
