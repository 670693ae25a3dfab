"""Text folding and the word forms a country name may take: Russian case forms, Arabic attached prefixes.

The text is put in NFC without combining marks (Arabic vowel signs), then folded one character to one (lower
case, no accents, Arabic letter variants unified), so every offset in the fold is an offset in the text. The
endings and prefixes come from the data file (see :class:`WordFormRules`); how they combine is the code here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CJK_RE",
    "STEM",
    "WordFormRules",
    "fold",
    "fold_pattern",
    "name_words",
    "prepare",
    "token_variants",
    "word_forms",
]


@dataclass(frozen=True, slots=True)
class WordFormRules:
    """The endings and prefixes behind the word forms (all in folded form)."""

    ru_endings: frozenset[str]  # case endings a text word may carry
    ru_nominative: frozenset[str]  # endings a name may have in the nominative
    ru_adjective: frozenset[str]  # adjective endings (a shorter stem is allowed before them)
    ru_ia_endings: tuple[str, ...]  # case forms of a short name in -ия (Азия: Азии, Азию…)
    ru_a_endings: tuple[str, ...]  # case forms of a short name in -а
    ru_consonant_endings: tuple[str, ...]  # case forms of a short name ending in a consonant
    ru_indeclinable_finals: str  # final letters of names that do not decline (Того, Мали, Перу)
    ar_conjunctions: tuple[str, ...]  # attached conjunctions (و ف)
    ar_prepositions: tuple[str, ...]  # attached prepositions (ب ل ك)
    ar_article: str  # the article (ال)


def _fold_table() -> dict[int, str]:
    """One character to one character: the fold keeps every offset."""
    table: dict[int, str] = {}
    spans = ((0x41, 0x5A), (0xC0, 0x24F), (0x400, 0x52F), (0x600, 0x6FF), (0x1E00, 0x1EFF))
    for lo, hi in spans:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            low = unicodedata.normalize("NFD", ch)[0].lower()
            if len(low) == 1 and low != ch:
                table[cp] = low
    table.update({ord("й"): "й", ord("Й"): "й", ord("ة"): "ه", ord("ى"): "ي", ord("ی"): "ي", ord("ک"): "ك"})
    table.update({ord("ٱ"): "ا", ord("\u00a0"): " "})
    table.update(dict.fromkeys(map(ord, "’‘ʼ`´′"), "'"))
    table.update(dict.fromkeys(map(ord, "‐‑‒–—―−"), "-"))
    return table


_FOLD = _fold_table()
_TOKEN_RE = re.compile(r"[^\W_]+")
CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: Combining marks left after NFC (Arabic vowel signs, stray accents) and the Arabic tatweel.
_MARKS_RE = re.compile(r"[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
#: Marks a stem key, so that an exact form wins over a stem ("Нигера" is Niger, "Нигерии" Nigeria).
STEM = "~"


def prepare(text: str) -> str:
    """NFC, without combining marks: the text every offset refers to."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _MARKS_RE.search(text):
        text = _MARKS_RE.sub("", text)
    return text


def fold(text: str) -> str:
    """Lower-case, strip accents, unify Arabic letter variants; same length as the input."""
    return text.translate(_FOLD)


def fold_pattern(pattern: str) -> str:
    """Fold the non-ASCII letters of a regex the way texts are folded (ASCII regex syntax is left alone)."""
    return "".join(ch if ch.isascii() else _FOLD.get(ord(ch), ch) for ch in pattern)


def name_words(name: str) -> list[str]:
    """The folded words of a name."""
    return [fold(t) for t in _TOKEN_RE.findall(prepare(name))]


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f"


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff"


def _ru_stem(word: str, rules: WordFormRules) -> str:
    """Strip one nominative ending, keeping a stem of four letters (three before an adjective ending)."""
    for size in (2, 1):  # nominative endings are one or two letters; the longer one first
        ending = word[-size:]
        keep = len(word) - size
        if ending in rules.ru_nominative and (keep >= 4 or (keep >= 3 and ending in rules.ru_adjective)):
            return word[:keep]
    return word


def _ru_variants(tok: str, rules: WordFormRules) -> tuple[str, ...]:
    """A Russian token, then every stem it may have (the exact form first: it wins over a stem)."""
    out = [tok, STEM + tok]
    endings, adjective = rules.ru_endings, rules.ru_adjective
    for size in (4, 3, 2, 1):
        ending = tok[-size:]
        keep = len(tok) - size
        if ending in endings and (keep >= 4 or (keep >= 3 and ending in adjective)):
            out.append(STEM + tok[:keep])
    return tuple(out)


def _ru_forms(word: str, rules: WordFormRules) -> frozenset[str]:
    """Forms a Russian name word may take in a text: its stem, or for short words their regular case forms."""
    stem = _ru_stem(word, rules)
    if stem != word:
        return frozenset({STEM + stem})
    if word.endswith("ия"):
        return frozenset(word[:-1] + e for e in rules.ru_ia_endings)
    if word.endswith("а"):
        return frozenset(word[:-1] + e for e in rules.ru_a_endings)
    if word[-1] in rules.ru_indeclinable_finals:
        return frozenset({word})
    return frozenset(word + e for e in rules.ru_consonant_endings)


def _ar_strip_article(word: str, rules: WordFormRules) -> str:
    article = rules.ar_article
    return word[len(article) :] if word.startswith(article) and len(word) >= len(article) + 2 else word


def _ar_variants(tok: str, rules: WordFormRules) -> tuple[str, ...]:
    """A token with its attached conjunction, preposition and article stripped in turn."""
    out: set[str] = set()
    prepositions = ("", *rules.ar_prepositions)
    for conj in ("", *rules.ar_conjunctions):
        if not tok.startswith(conj):
            continue
        s1 = tok[len(conj) :]
        for prep in prepositions:
            if not s1.startswith(prep):
                continue
            rests = [s1[len(prep) :]]
            if prep == "ل" and s1.startswith("لل"):
                rests.append(s1[2:])  # ل + ال written لل
            for rest in rests:
                if len(rest) >= 2:
                    out.add(rest)
                    out.add(_ar_strip_article(rest, rules))
    out.discard(tok)
    return (tok, *sorted(out))


def word_forms(word: str, rules: WordFormRules) -> frozenset[str]:
    """Keys under which a folded name word is stored in the trie."""
    if _is_cyrillic(word[0]):
        return _ru_forms(word, rules)
    if _is_arabic(word[0]):
        return frozenset({_ar_strip_article(word, rules)})
    return frozenset({word})


def token_variants(raw: str, rules: WordFormRules) -> tuple[str, ...]:
    """Keys a text token can match: its fold (first), plus a Russian stem or Arabic prefix-stripped forms."""
    tok = fold(raw)
    first = tok[0]
    if _is_cyrillic(first):
        return _ru_variants(tok, rules)
    if _is_arabic(first):
        return _ar_variants(tok, rules)
    return (tok,)
