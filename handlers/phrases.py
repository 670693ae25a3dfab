"""Phrases that mark each kind of message, compiled from the phrase files (``config/phrases/*.toml``).

Each phrase is a weight and a case-insensitive regular expression; a category's score is the sum of the
weights of the distinct phrases found in the sender's own text. Pure: the shell reads the files and passes
their values to :func:`compile_phrases`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Phrase:
    """One weighted pattern of a category, also split by writing system (see :func:`script_of`)."""

    category: str
    weight: float
    pattern: re.Pattern[str]
    by_script: dict[str, re.Pattern[str]]

    def search(self, text: str, scripts: frozenset[str]) -> re.Match[str] | None:
        """The first match among the alternatives written in ``scripts`` (or in no script at all)."""
        for script, pattern in self.by_script.items():
            if script in scripts or script == "neutral":
                found = pattern.search(text)
                if found:
                    return found
        return None


SCRIPT_RANGES = (("arabic", "\u0600", "\u06ff"), ("han", "\u3400", "\u9fff"), ("cyrillic", "\u0400", "\u04ff"))


def script_of(text: str) -> str:
    """The writing system of the first letter of ``text`` (``neutral`` when it has none)."""
    for ch in re.sub(r"\\[a-zA-Z]|\(\?[:!=<]+|\[\^?", "", text):
        for name, low, high in SCRIPT_RANGES:
            if low <= ch <= high:
                return name
        if ch.isalpha():
            return "latin"
    return "neutral"


def split_alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` alternatives of a regular expression (groups and classes kept whole)."""
    parts, depth, in_class, current, i = [], 0, False, [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            current.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _by_script(pattern: str) -> dict[str, re.Pattern[str]]:
    groups: dict[str, list[str]] = {}
    for alternative in split_alternatives(pattern):
        groups.setdefault(script_of(alternative), []).append(alternative)
    return {script: re.compile("|".join(alts)) for script, alts in groups.items()}


@dataclass(frozen=True)
class PhraseBook:
    """Every category's and signal's phrases, the "submitting" wording, and the Traditional Chinese map."""

    phrases: tuple[Phrase, ...]
    submitting: re.Pattern[str]
    traditional: dict[int, str]

    def simplify(self, text: str) -> str:
        """Traditional Chinese characters used by the phrases, mapped to simplified ones (others unchanged)."""
        return text.translate(self.traditional)


def compile_phrases(
    tables: Mapping[str, Sequence[tuple[float, str]]],
    *,
    submitting: str,
    traditional: tuple[str, str],
) -> PhraseBook:
    """Compile ``{category: [(weight, pattern), ...]}`` (matched against lower-cased text: 4x faster than
    IGNORECASE, and only in the scripts the text uses)."""
    phrases = tuple(
        Phrase(category, weight, re.compile(pattern.lower()), _by_script(pattern.lower()))
        for category, entries in tables.items()
        for weight, pattern in entries
    )
    return PhraseBook(phrases, re.compile(submitting, re.I), str.maketrans(*traditional))
