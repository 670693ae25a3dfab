"""The country finder's lookup tables, built from plain values: no file or library data is read here.

:class:`CountrySource` holds the names as read by the shell (``config.countries``): the hand tables of the
data file, pycountry's ISO 3166 names with their gettext translations and the CLDR territory names.
:func:`build_country_tables` turns it into :class:`CountryTables`: a trie of word forms for Latin, Cyrillic and
Arabic names, one trie-shaped regex for Chinese names, domain slugs and ISO codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from handlers.word_forms import CJK_RE, WordFormRules, name_words, word_forms

__all__ = [
    "END",
    "CountrySource",
    "CountryTables",
    "DomainRules",
    "Entry",
    "IsoCountry",
    "TokenInfo",
    "Trie",
    "build_country_tables",
]


@dataclass(frozen=True, slots=True)
class IsoCountry:
    """One ISO 3166 entry."""

    alpha_2: str
    alpha_3: str
    names: tuple[str, ...]  # its name, then its official and common names where it has them


@dataclass(frozen=True, slots=True)
class DomainRules:
    """Word lists for reading a sender's e-mail domain."""

    generic_tlds: frozenset[str]  # top-level domains that name no country
    vanity_tlds: frozenset[str]  # country codes sold as vanity domains: only below an official label
    official_slds: frozenset[str]  # government, foreign-affairs and academic labels
    words_not_codes: frozenset[str]  # two-letter label parts that are words, not ISO codes
    tld_codes: dict[str, str]  # country-code TLDs that differ from the ISO code ("uk" -> "GB")


@dataclass(frozen=True)
class CountrySource:
    """Every name and word list the tables are built from, as plain values (picklable)."""

    iso_countries: tuple[IsoCountry, ...]  # in pycountry's order
    iso_translations: dict[str, tuple[str, ...]]  # ISO English name -> its gettext translations, language order
    cldr_names: dict[str, tuple[str, ...]]  # territory code -> its CLDR names, locale order (where CLDR has it)
    un_names: dict[str, str]  # code -> UN-style English name, where it differs from ISO's
    not_resolved: frozenset[str]  # codes whose names only swallow words (non-members)
    extra_aliases: dict[str, tuple[str, ...]]  # code -> further names
    offices: dict[str, tuple[str, ...]]  # code -> national IP office names and acronyms
    organisations: dict[str, tuple[str, ...]]  # canonical English name -> names and acronyms
    territory_organisations: dict[str, str]  # CLDR territory code -> organisation ("EU")
    host: str  # the host country: counts only in a phrase or as the sender
    weak: frozenset[str]  # names that are also words: only capitalised
    leading_articles: frozenset[str]  # dropped from the names read
    lookup_articles: frozenset[str]  # one allowed before a name looked up
    word_forms: WordFormRules
    domains: DomainRules


@dataclass(frozen=True, slots=True)
class Entry:
    """One name as the matcher sees it."""

    target: str | None  # canonical name; None for a blocker (a non-member territory)
    kind: str  # "country" | "org"
    weak: bool
    office: bool


END = ""  # trie key of the entry that ends at a node (no word form is empty)
Trie = dict[str, Any]  # word form -> child node; END -> Entry
TokenInfo = tuple[tuple[str, ...], bool, bool]  # (variants, may start a name, may start a phrase)


@dataclass(frozen=True, eq=False, slots=True)
class CountryTables:
    """Lookup structures for :mod:`handlers.countries`, with a per-token cache (hashable by identity)."""

    trie: Trie
    zh: dict[str, Entry]  # Chinese name (no spaces) -> entry
    zh_re: re.Pattern[str] | None  # every Chinese name, leftmost-longest
    slugs: dict[str, str]  # name without spaces or punctuation (ASCII) -> canonical name, for domains
    codes: dict[str, str]  # ISO alpha-2 and alpha-3 code -> canonical name
    names: tuple[str, ...]  # every canonical name, sorted
    host: str
    lookup_articles: frozenset[str]
    word_forms: WordFormRules
    domains: DomainRules
    token_info: dict[str, TokenInfo] = field(default_factory=dict, repr=False)  # raw token -> info, bounded


def _insert(node: Trie, key: tuple[frozenset[str], ...], entry: Entry, depth: int = 0) -> None:
    if depth == len(key):
        node.setdefault(END, entry)
        return
    for form in key[depth]:
        _insert(node.setdefault(form, {}), key, entry, depth + 1)


def _trie_regex(words: list[str]) -> str:
    """One regex for a set of literal strings, shaped as a trie: leftmost-longest and fast."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(trie)


def _derived(name: str) -> list[str]:
    """Variants of a source name: without a parenthesis, inverted at a comma, before a " - " qualifier."""
    out = []
    base = re.sub(r"\s*[(（][^)）]*[)）]", "", name).strip()
    if base and base != name:
        out.append(base)
    for sep in (", ", "، ", "，"):
        if sep in base:
            head, tail = base.split(sep, 1)
            out.append(f"{tail} {head}")
            out.append(head)
            break
    if " - " in base:
        out.append(base.split(" - ", 1)[0])
    return out


def build_country_tables(source: CountrySource) -> CountryTables:
    """Build every lookup structure from the source names (pure; a few hundred milliseconds)."""
    # registry: key -> {(target, kind): (priority, weak, office)}; the best priority wins, a tie between
    # two different targets drops the key (ambiguous, e.g. "Korea").
    reg: dict[object, dict[tuple[str | None, str], tuple[int, bool, bool]]] = {}
    slugs: dict[str, dict[str, int]] = {}
    rules = source.word_forms

    def add(alias: str, target: str | None, prio: int, kind: str = "country", office: bool = False) -> None:
        alias = alias.strip()
        if not alias:
            return
        if CJK_RE.search(alias):
            key: object = ("zh", re.sub(r"\s+", "", alias))
            weak = key[1] in source.weak
        else:
            words = name_words(alias)
            while len(words) > 1 and words[0] in source.leading_articles:
                words = words[1:]
            if not words:
                return
            key = tuple(word_forms(w, rules) for w in words)
            weak = " ".join(words) in source.weak
            slug = "".join(words)
            if target is not None and slug.isascii() and slug.isalnum() and len(slug) >= 4:
                slugs.setdefault(slug, {}).setdefault(target, prio)
        slot = reg.setdefault(key, {})
        old = slot.get((target, kind))
        if old is None or prio < old[0]:
            slot[(target, kind)] = (prio, weak, office)

    def add_with_derived(alias: str, target: str | None, prio: int) -> None:
        add(alias, target, prio)
        for variant in _derived(alias):
            add(variant, target, prio + 1)

    codes: dict[str, str] = {}
    for country in source.iso_countries:
        code = country.alpha_2
        target = None if code in source.not_resolved else source.un_names.get(code, country.names[0])
        prio = 1 if target else 3
        if target:
            codes[code] = target
            codes[country.alpha_3] = target
            add(target, target, 0)
        for name in country.names:
            add_with_derived(name, target, prio)
            for translated in source.iso_translations.get(name, ()):
                add_with_derived(translated, target, prio)
        for name in source.cldr_names.get(code, ()):
            add_with_derived(name, target, prio)
    for code, aliases in source.extra_aliases.items():
        for alias in aliases:
            add(alias, codes[code], 0)
    for code, aliases in source.offices.items():
        for alias in aliases:  # a full office name counts as an office phrase, an acronym as a mention
            add(alias, codes[code], 0, office=" " in alias)
    for org, aliases in source.organisations.items():
        add(org, org, 0, "org")
        for alias in aliases:
            add(alias, org, 0, "org")
    for code, org in source.territory_organisations.items():
        for name in source.cldr_names.get(code, ()):
            add(name, org, 1, "org")
        codes[code] = org

    trie: Trie = {}
    zh: dict[str, Entry] = {}
    for key, slot in reg.items():
        best = min(p for p, _, _ in slot.values())
        winners = [(tk, v) for tk, v in slot.items() if v[0] == best]
        if len({tk[0] for tk, _ in winners}) > 1:
            continue  # ambiguous between two targets
        (target, kind), (_, weak, office) = winners[0]
        entry = Entry(target, kind, weak, office)
        assert isinstance(key, tuple)
        if key and key[0] == "zh":
            zh[key[1]] = entry
            continue
        _insert(trie, key, entry)

    slug_map = {}
    for slug, targets in slugs.items():
        best = min(targets.values())
        winners = [t for t, p in targets.items() if p == best]
        if len(winners) == 1:
            slug_map[slug] = winners[0]

    return CountryTables(
        trie=trie,
        zh=zh,
        zh_re=re.compile(_trie_regex(sorted(zh))) if zh else None,
        slugs=slug_map,
        codes=codes,
        names=tuple(sorted({*codes.values(), *source.organisations})),
        host=source.host,
        lookup_articles=source.lookup_articles,
        word_forms=rules,
        domains=source.domains,
    )
