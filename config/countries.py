"""Loads what the country finder needs, once per process: the data file, pycountry and CLDR names.

``config/data/countries.toml`` holds the hand tables and word lists; pycountry gives the ISO 3166 names,
official names and their gettext translations, Babel the CLDR territory names, in the languages the data file
lists. Everything is returned as plain values (:class:`handlers.country_tables.CountrySource`).
"""

from __future__ import annotations

import gettext
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

import pycountry
from babel import Locale

from handlers.country_tables import CountrySource, CountryTables, DomainRules, IsoCountry, build_country_tables
from handlers.word_forms import WordFormRules

__all__ = ["CountryDataError", "load_country_source", "load_country_tables"]

DATA_FILE = "data/countries.toml"  # inside the config package


class CountryDataError(Exception):
    """The country data file is missing a table or has a value of the wrong type."""


def _get(data: dict[str, Any], path: str, kind: type) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise CountryDataError(f"{DATA_FILE}: missing {path}")
        value = value[part]
    if not isinstance(value, kind):
        raise CountryDataError(f"{DATA_FILE}: {path} should be a {kind.__name__}")
    return value


def _strings(data: dict[str, Any], path: str) -> tuple[str, ...]:
    values = _get(data, path, list)
    if not all(isinstance(v, str) for v in values):
        raise CountryDataError(f"{DATA_FILE}: {path} should be a list of strings")
    return tuple(values)


def _string_map(data: dict[str, Any], path: str) -> dict[str, str]:
    table = _get(data, path, dict)
    return {key: _get(table, key, str) for key in table}


def _lists_map(data: dict[str, Any], path: str) -> dict[str, tuple[str, ...]]:
    table = _get(data, path, dict)
    return {key: _strings(table, key) for key in table}


def _word_form_rules(data: dict[str, Any]) -> WordFormRules:
    def words(name: str) -> tuple[str, ...]:
        return _strings(data, f"word_forms.{name}")

    return WordFormRules(
        ru_endings=frozenset(words("ru_endings")),
        ru_nominative=frozenset(words("ru_nominative")),
        ru_adjective=frozenset(words("ru_adjective")),
        ru_ia_endings=words("ru_ia_endings"),
        ru_a_endings=words("ru_a_endings"),
        ru_consonant_endings=words("ru_consonant_endings"),
        ru_indeclinable_finals=_get(data, "word_forms.ru_indeclinable_finals", str),
        ar_conjunctions=words("ar_conjunctions"),
        ar_prepositions=words("ar_prepositions"),
        ar_article=_get(data, "word_forms.ar_article", str),
    )


def _domain_rules(data: dict[str, Any]) -> DomainRules:
    return DomainRules(
        generic_tlds=frozenset(_strings(data, "domains.generic_tlds")),
        vanity_tlds=frozenset(_strings(data, "domains.vanity_tlds")),
        official_slds=frozenset(_strings(data, "domains.official_slds")),
        words_not_codes=frozenset(_strings(data, "domains.words_not_codes")),
        tld_codes=_string_map(data, "domains.tld_codes"),
    )


@lru_cache(maxsize=1)
def load_country_source() -> CountrySource:
    """Read the data file and the pycountry / CLDR names (cached: a process reads them once)."""
    text = resources.files("config").joinpath(DATA_FILE).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CountryDataError(f"{DATA_FILE}: not valid TOML: {exc}") from exc

    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in _strings(data, "sources.gettext_languages")
    ]
    locales = [Locale.parse(tag) for tag in _strings(data, "sources.cldr_locales")]
    territory_orgs = _string_map(data, "territory_organisations")

    iso: list[IsoCountry] = []
    iso_translations: dict[str, tuple[str, ...]] = {}
    for country in pycountry.countries:
        names = (country.name, getattr(country, "official_name", ""), getattr(country, "common_name", ""))
        kept = tuple(filter(None, names))
        iso.append(IsoCountry(country.alpha_2, country.alpha_3, kept))
        for name in kept:
            iso_translations.setdefault(name, tuple(tr.gettext(name) for tr in translations))
    cldr_names = {
        code: tuple(loc.territories[code] for loc in locales if code in loc.territories)
        for code in [*(c.alpha_2 for c in iso), *territory_orgs]
    }

    return CountrySource(
        iso_countries=tuple(iso),
        iso_translations=iso_translations,
        cldr_names=cldr_names,
        un_names=_string_map(data, "un_names"),
        not_resolved=frozenset(_strings(data, "not_resolved.codes")),
        extra_aliases=_lists_map(data, "extra_aliases"),
        offices=_lists_map(data, "offices"),
        organisations=_lists_map(data, "organisations"),
        territory_organisations=territory_orgs,
        host=_get(data, "matching.host", str),
        weak=frozenset(_strings(data, "matching.weak")),
        leading_articles=frozenset(_strings(data, "matching.leading_articles")),
        lookup_articles=frozenset(_strings(data, "matching.lookup_articles")),
        word_forms=_word_form_rules(data),
        domains=_domain_rules(data),
    )


@lru_cache(maxsize=1)
def load_country_tables() -> CountryTables:
    """The country tables for this process (built once from :func:`load_country_source`)."""
    return build_country_tables(load_country_source())
