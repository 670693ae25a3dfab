"""Nothing that tells one session from another is written in the code: it is all in the events file.

The next session must be a new ``[[events]]`` block, not a code change. This test reads what is event-specific from
``config/events.toml`` (each event's circular number, session number and the words mail names the session by,
its theme and the theme's key words, the years of its dates) and fails when any of it appears as a literal in the
Python code under ``handlers/`` or ``parsers/``: in a string constant (docstrings, f-string parts and regular
expressions included) or an int constant. On top of the file's values, a few generic patterns catch what a
newer session would bring: a year (19xx/20xx) in a string, a numbered session ("13th session", "13e session",
"13.ª sesión", "13-й сессии", "第13届", "第十三届") and a session number written into a regular expression.

Whole-number ints are only checked against the configured years and circular numbers (``2000`` may be a byte
limit, ``12`` a field width); a year in a string that is a charset or standard number (``ISO-2022-JP``,
``RFC 2047``) is not a year.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EVENTS_FILE = REPO / "config" / "events.toml"
SCANNED = ("handlers", "parsers")

# a year in a string: not part of a longer number, a version, a charset or standard name ("ISO-2022", "RFC 2047")
YEAR = re.compile(r"(?<![\w.\-/:])(?<!rfc )(?<!iso )(?<!iso-)(?:19|20)\d\d(?![\w.]?\d)", re.IGNORECASE)
# a numbered session, in any of the six languages: "14th session", "13e session", "13.ª sesión", "13-й сессии",
# "第13届", also inside a regular expression: "(?:13th|thirteenth) (?:session", "(?:13|14)(?:th)? session"
ORDINAL_ENDINGS = r"st|nd|rd|th|ème|eme|e|\\?\.ª|ª|a|-?я|-?й|-?ой|-?ая"
SESSION_NOUNS = r"sessions?\b|sesi[óo]n|сесси|الدورة|届|次会议"
NUMBERED_SESSION = re.compile(
    r"(?<![\d{,\\])\d{1,3}"  # a number, not a quantifier's
    rf"(?:[|)(?:]{{0,5}}(?:{ORDINAL_ENDINGS})\)?\??)?"  # its ordinal ending, maybe as a group: "(?:th)?"
    r"(?:\|[^|()\n]{1,24})*\)?\??"  # the other alternatives of its group: "|thirteenth|next)"
    rf"[\s-]{{0,3}}(?:\(\?:)?(?:{SESSION_NOUNS})"
    r"|第\s*[\d〇一二三四五六七八九十]+\s*届",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Forbidden:
    """One event-specific value: a pattern over string constants, and why it is forbidden."""

    pattern: re.Pattern[str]
    why: str


def _word(word: str) -> str:
    """``word`` as a regular expression: ``*`` is any word ending (in code also ``\\w+``, ``\\w*``); whole words
    except in Chinese."""
    word = word.strip()
    stem = word.rstrip("*")
    body = r"(?:\w*|\\w[*+])".join(re.escape(part) for part in stem.split("*"))
    before = "" if _CJK.match(stem) else r"(?<!\w)"
    after = "" if word.endswith("*") or _CJK.match(stem[-1:]) else r"(?!\w)"
    return before + body + after


def _dates(value: Any) -> Iterator[date]:
    if isinstance(value, date):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _dates(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dates(item)


def forbidden_values(events_file: Path = EVENTS_FILE) -> tuple[list[Forbidden], set[int]]:
    """The patterns that must not match any string constant, and the ints no int constant may be."""
    events = tomllib.loads(events_file.read_text(encoding="utf-8")).get("events", [])
    patterns: list[Forbidden] = []
    ints: set[int] = set()
    for event in events:
        name = event.get("id", "?")
        digits = re.sub(r"\D", "", event.get("circular") or "")
        if digits:
            patterns.append(Forbidden(re.compile(rf"(?<!\d){digits}(?!\d)"), f"circular of {name}"))
            ints.add(int(digits))
        for year in {d.year for d in _dates(event)}:
            patterns.append(Forbidden(re.compile(rf"(?<!\d){year}(?!\d)"), f"a year of {name}'s dates"))
            ints.add(year)
        session = event.get("session")
        words = [w for ws in event.get("session_names", {}).values() for w in ws]
        for word in words:
            if word.strip().rstrip("*").isdigit():
                continue  # a bare "12" is everywhere; a numeral names a session only next to a noun (below)
            patterns.append(Forbidden(re.compile(_word(word), re.IGNORECASE), f"session name of {name}"))
            if _CJK.match(word) and word.endswith("届"):  # "第十二届": the ordinal alone is the name as well
                patterns.append(Forbidden(re.compile(re.escape(word[:-1])), f"session name of {name}"))
        if session is not None:
            suffixes = sorted({w[len(str(session)) :].rstrip("*") for w in words if w.startswith(str(session))} - {""})
            alternatives = "|".join(re.escape(s) for s in ["st", "nd", "rd", "th", "e", "ème", *suffixes])
            # the session number with its ordinal endings as a regular expression: "12(?:th|e|ème)?"
            patterns.append(
                Forbidden(
                    re.compile(rf"(?<![\d{{,\\]){session}\(\?:\\?(?:{alternatives})", re.IGNORECASE),
                    f"session number of {name}",
                )
            )
        for theme in [event.get("theme", ""), *(w for ws in event.get("theme_names", {}).values() for w in ws)]:
            if theme.strip():
                patterns.append(Forbidden(re.compile(_word(theme), re.IGNORECASE), f"theme of {name}"))
    patterns.append(Forbidden(YEAR, "a year"))
    patterns.append(Forbidden(NUMBERED_SESSION, "a numbered session"))
    return patterns, ints


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    literal: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.literal} ({self.why})"


def _line_of(source_lines: list[str], node: ast.expr, value: str, match: re.Match[str]) -> int:
    """The line of ``match`` inside the (maybe multi-line, implicitly concatenated) constant ``node``."""
    first, last = node.lineno, node.end_lineno or node.lineno
    for probe in (match.group(0), match.group(0)[:6]):  # the start alone, when the match spans source lines
        before = value.count(probe, 0, match.start())  # the same text earlier in the constant
        for number in range(first, last + 1):
            before -= source_lines[number - 1].count(probe)
            if before < 0:
                return number
    return first  # written with escapes: the constant's first line


def _excerpt(text: str, start: int, end: int) -> str:
    left, right = max(0, start - 25), min(len(text), end + 25)
    return ("…" if left else "") + text[left:right].replace("\n", "\\n") + ("…" if right < len(text) else "")


def scan(path: Path, patterns: list[Forbidden], ints: set[int], root: Path = REPO) -> list[Hit]:
    """Every forbidden literal in one Python file."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    shown = str(path.relative_to(root))
    hits: list[Hit] = []
    for node in ast.walk(ast.parse(source, filename=shown)):
        if not isinstance(node, ast.Constant):
            continue
        value = node.value
        if isinstance(value, int) and not isinstance(value, bool):
            if value in ints:
                hits.append(Hit(shown, node.lineno, repr(value), "a configured year or circular number"))
            continue
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if not isinstance(value, str):
            continue
        seen: set[tuple[int, int]] = set()
        for forbidden in patterns:
            for match in forbidden.pattern.finditer(value):
                if match.span() in seen or not match.group(0).strip():
                    continue
                seen.add(match.span())
                literal = f"{match.group(0)!r} in {_excerpt(value, *match.span())!r}"
                hits.append(Hit(shown, _line_of(lines, node, value, match), literal, forbidden.why))
    return hits


def find_event_literals(events_file: Path = EVENTS_FILE, root: Path = REPO) -> list[Hit]:
    patterns, ints = forbidden_values(events_file)
    hits: list[Hit] = []
    for folder in SCANNED:
        for path in sorted((root / folder).rglob("*.py")):
            hits.extend(scan(path, patterns, ints, root))
    return sorted(hits, key=lambda h: (h.path, h.line))


SAMPLE_EVENTS = """\
[[events]]
id = "x12"
name = "x"
theme = "AI and IP: Synthetic Media"
session = 12
circular = "C. 9284"
starts = 2025-10-28
ends = 2025-10-29
[events.session_names]
en = ["12th", "twelfth"]
ru = ["двенадцат*"]
zh = ["第十二届"]
ar = ["12"]
[events.theme_names]
fr = ["médias synthétiques"]
ru = ["синтетическ* медиа"]
"""
# (a line of code, why it is a hit or None)
SAMPLE_CODE = [
    ('"""Reads ``RFC 2047`` words, ``ISO-2022-JP`` and 12 other charsets."""', None),
    ("LIMIT = 2000", None),
    ("WIDTH = 12", None),
    ('HOURS = r"\\d{1,2}:\\d{2}"', None),
    ('SPAN = r"(?:\\d{1,2}) sessions? (?:of|in) \\w+"', None),
    ('THEME = "AI and IP clearinghouse"', None),
    ("YEAR = 2025", "a configured year or circular number"),
    ('CIRCULAR = f"C. {9284}"', "a configured year or circular number"),
    ('LATER = "see 2026"', "a year"),
    ('WORDS = r"(?:twelfth|двенадцатой) сессии"', "session name of x12"),
    ('ZH = "第十二"', "session name of x12"),
    ('NUMBER = r"12(?:th|e)?"', "session number of x12"),
    ('TOPIC = r"médias synthétiques|синтетическ\\w+ медиа"', "theme of x12"),
    ('NEXT = "le 13e session, 第十四届, the 14th session"', "a numbered session"),
    ('OTHER = "(?:13|14)(?:th)? session"', "a numbered session"),
    ('EN = r"(?:13th|thirteenth|next) (?:session|edition)"', "a numbered session"),
    ('RU = r"(?:13-й|тринадцат\\w+) сесси\\w*"', "a numbered session"),
]


def test_the_patterns_find_what_they_should_and_nothing_else(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text(SAMPLE_EVENTS, encoding="utf-8")
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "sample.py").write_text("\n".join(line for line, _ in SAMPLE_CODE) + "\n", "utf-8")
    found = {(SAMPLE_CODE[h.line - 1][0], h.why) for h in find_event_literals(events, tmp_path)}
    assert found == {(line, why) for line, why in SAMPLE_CODE if why}


def test_no_event_specific_literal_in_the_code() -> None:
    hits = find_event_literals()
    assert not hits, (
        f"{len(hits)} event-specific literal(s) in the code; they belong in {EVENTS_FILE.relative_to(REPO)}:\n"
        + "\n".join(str(h) for h in hits)
    )
