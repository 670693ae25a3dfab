"""HTML bodies to readable plain text (for triage and the text view); the stdlib parser, no network."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP = frozenset({"script", "style", "head", "title", "noscript", "template", "svg"})
QUOTE_START, QUOTE_END = "\u2063<blockquote>", "\u2063</blockquote>"
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n\s*\n+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        if tag == "blockquote" and not self.skipping:
            self.parts.append(f"\n{QUOTE_START}\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote" and not self.skipping:
            self.parts.append(f"\n{QUOTE_END}\n")
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of ``html`` with block elements on their own lines. Never raises."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; this guards against pathological input only
        pass
    lines: list[str] = []
    depth = 0
    for raw_line in "".join(parser.parts).splitlines():
        line = _SPACES.sub(" ", raw_line).strip()
        if line == QUOTE_START:
            depth += 1
        elif line == QUOTE_END:
            depth = max(0, depth - 1)
        else:
            lines.append(("> " * depth + line) if depth and line else line)
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
