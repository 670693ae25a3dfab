"""Search text: how messages and queries are cut into words for the full-text index, in any of the six
languages.

Both sides go through :func:`words`, so what a reviewer types matches what the sender wrote regardless of
case, accents (``delegation`` finds ``délégation``), Arabic vowel marks, hamza forms and tatweel, or ``ё``.
Chinese and Japanese are written without spaces: their runs become overlapping pairs of characters, so a query
of two or more characters matches as a phrase of pairs anywhere in a run (``人工智能`` finds ``…发展人工智能战略…``).

Pure functions; the index itself (SQLite FTS5, PostgreSQL tsvector) is kept by :mod:`service.search_index`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

_WORD = re.compile(r"[^\W_]+")
# a word as written: letters and digits, with the combining marks of Latin, Cyrillic and Arabic inside it
_RAW_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])+")
# Han, Hiragana, Katakana (and their extensions): scripts written without spaces between words
_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")
_ARABIC = str.maketrans({"ة": "ه", "ى": "ي", "ـ": None})
PREFIX_MIN = 3  # shorter unquoted words match whole words only: a one-letter prefix matches everything


def fold(text: str) -> str:
    """Compatibility-normalised, case-folded, without combining marks (accents, Arabic harakat and hamza)."""
    text = text.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).translate(_ARABIC)


def _pairs(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=1 << 16)  # mail repeats its words: most are folded once
def _folded_words(raw: str) -> tuple[str, ...]:
    out: list[str] = []
    for word in _WORD.findall(fold(raw)):
        for i, part in enumerate(_CJK.split(word)):
            if part:
                out.extend(_pairs(part) if i % 2 else [part])
    return tuple(out)


def words(text: str) -> list[str]:
    """The index words of ``text`` in order: folded words, and pairs of characters for Chinese and Japanese."""
    out: list[str] = []
    for raw in _RAW_WORD.findall(text):
        if raw.isascii():
            out.append(raw.lower())
        else:
            out.extend(_folded_words(raw))
    return out


def document(*parts: str | None) -> str:
    """Text for one column of the index: the words of all ``parts``, separated by spaces."""
    return " ".join(w for part in parts if part for w in words(part))


_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def query_terms(query: str) -> list[tuple[list[str], bool]]:
    """What a reviewer typed, as terms that must all match: each its index words in order, and whether its
    last word also matches as the start of a longer one (an unquoted word of three or more letters, not a
    number; a single Chinese character, wherever it starts a pair)."""
    terms: list[tuple[list[str], bool]] = []
    for match in _TERM.finditer(query):
        quoted, bare = match.group(1), match.group(2)
        found = words(quoted if quoted is not None else bare)
        if not found:
            continue
        last = found[-1]
        whole_word = last.isdigit() or len(last) < PREFIX_MIN  # numbers are references: matched exactly
        prefix = quoted is None and (not whole_word or (len(found) == 1 and bool(_CJK.fullmatch(last))))
        terms.append((found, prefix))
    return terms


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression for what a reviewer typed (:func:`query_terms`), or ``None`` when it has no
    words at all: ``"a quoted phrase"`` matches those words in that order (``Kazakh*`` finds ``Kazakhstan``).
    Built only from index words inside double quotes, so no FTS5 syntax typed by the user reaches the engine.
    """
    phrases = ['"' + " ".join(found) + '"' + ("*" if prefix else "") for found, prefix in query_terms(query)]
    return " AND ".join(phrases) or None


def ts_query(query: str) -> str | None:
    """The same search as :func:`match_expression`, as a PostgreSQL ``tsquery`` (``simple`` configuration):
    ``&`` between terms, ``<->`` between a phrase's words, ``:*`` for a prefix. Only index words reach it, each
    quoted as a lexeme, so no tsquery syntax typed by the user does."""
    terms = []
    for found, prefix in query_terms(query):
        lexemes = [f"'{w}'" for w in found]
        lexemes[-1] += ":*" if prefix else ""
        terms.append("(" + " <-> ".join(lexemes) + ")" if len(lexemes) > 1 else lexemes[0])
    return " & ".join(terms) or None


class SearchDocument(NamedTuple):
    """One message's row in the full-text index: the words of each searchable part."""

    subject: str
    sender: str
    body: str
    attachments: str


def message_document(
    subject: str | None, from_name: str | None, from_address: str | None, body: str | None, attachments: str | None
) -> SearchDocument:
    """The index row of a message: its subject, sender (name and address), text body and attachment text."""
    return SearchDocument(document(subject), document(from_name, from_address), document(body), document(attachments))
