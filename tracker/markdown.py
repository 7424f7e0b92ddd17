"""Markdown for agendas, minutes and comments: raw HTML off, then sanitised again with nh3."""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "a", "table", "thead", "tbody", "tr", "th", "td",
}


def render_markdown(text: str | None) -> Markup:
    """HTML safe to put in a page, whatever the text holds."""
    if not text:
        return Markup("")
    html = _parser.render(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"style"}, "td": {"style"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


# --- Markdown handed out as Markdown (exports) -------------------------------------------------------

SAFE_SCHEMES = ("http", "https", "mailto")
_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
_REFERENCE = re.compile(r"^( {0,3}\[[^\]]+\]:\s*<?)(\S+?)(>?)(\s|$)", re.M)
_INVISIBLE_IN_SCHEME = re.compile(r"[\x00-\x20\x7f-\x9f]")


def _safe_destination(destination: str) -> str:
    """The link target, or "#" when it would run code (javascript:, data:, vbscript: …), however spelled."""
    plain = _INVISIBLE_IN_SCHEME.sub("", html.unescape(destination)).lower()
    scheme, colon, _rest = plain.partition(":")
    if colon and re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme) and scheme not in SAFE_SCHEMES:
        return "#"
    return destination


def _defuse_inline_links(text: str) -> str:
    """Every inline link or image destination `](…)` made safe; destinations may hold balanced parentheses."""
    out, position = [], 0
    while (start := text.find("](", position)) != -1:
        cursor = start + 2
        while cursor < len(text) and text[cursor] in " \t\n":
            cursor += 1
        if cursor < len(text) and text[cursor] == "<":
            end = text.find(">", cursor)
            end = len(text) if end == -1 else end
            begin = cursor + 1
        else:
            begin, depth, end = cursor, 0, cursor
            while end < len(text) and not text[end].isspace():
                if text[end] == "(":
                    depth += 1
                elif text[end] == ")":
                    if depth == 0:
                        break
                    depth -= 1
                end += 1
        out.append(text[position:begin] + _safe_destination(text[begin:end]))
        position = end
    return "".join(out) + text[position:]


def markdown_source(text: str | None) -> str:
    """User Markdown for a .md export: formatting kept, raw HTML shown as text, code-running links defused.

    Another program may render the file (a wiki, a CMS, GitHub): nothing in it may become markup or a
    script link there. Code spans and blocks stay as they are.
    """
    if not text:
        return ""
    parts = _CODE.split(text)
    for index in range(0, len(parts), 2):  # the parts outside code
        part = _defuse_inline_links(parts[index]).replace("<", "\\<")
        parts[index] = _REFERENCE.sub(lambda m: m.group(1) + _safe_destination(m.group(2)) + m.group(3) + m.group(4),
                                      part)
    return "".join(parts)


# --- plain text in a Markdown file ---------------------------------------------------------------------

# What would become formatting, a link, an image or HTML anywhere in a line; an "&" only where it starts
# a character reference ("&lt;", "&#106;").
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<~]|&(?=#?[0-9A-Za-z]+;)")
# What would start a block at the start of a line: a heading, a list item, a quote, a setext underline.
_BLOCK_MARKER = re.compile(r"^([ \t]*)(?:(#{1,6})(?=[ \t]|$)|([-+=>])|(\d{1,9})([.)])(?=[ \t]|$))", re.M)


def _escaped_marker(match: re.Match[str]) -> str:
    indent, hashes, mark, digits, delimiter = match.groups()
    if digits:
        return f"{indent}{digits}\\{delimiter}"
    return f"{indent}\\{hashes or mark}"


def markdown_escape(text: str | None) -> str:
    """Plain text (a name, a title, a label) for a Markdown file: whatever renders the file shows it as
    typed, never as formatting, a link, an image, a heading or a list (probe finding 9)."""
    if not text:
        return ""
    return _BLOCK_MARKER.sub(_escaped_marker, _INLINE_MARKUP.sub(lambda m: "\\" + m.group(0), str(text)))
