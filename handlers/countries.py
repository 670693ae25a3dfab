"""Which member state or organisation a message speaks for, as the English name WIPO uses (UN style).

Country names in Arabic, Chinese, English, French, Russian and Spanish come from CLDR (through Babel) and
from pycountry (ISO 3166 names, official names and their gettext translations). The hand tables below add
only what those sources lack: UN-style English names, a few formal long forms used by missions, national IP
office names, and the intergovernmental organisations that write to WIPO.

The text is put in NFC without combining marks (Arabic vowel signs), then folded one character to one
(lower case, no accents, Arabic letter variants unified), so every hit keeps its offsets. Latin, Cyrillic and
Arabic names are matched as token sequences through a trie of word forms (Russian words by stem or by their
regular case forms, Arabic words with attached prefixes and the article stripped); Chinese names by substring
through one trie-shaped regex. Tables are built once, on first use; per-token work is cached.

Decision order: (1) a mission / delegation / office phrase, (2) an organisation, (3) the most frequent
country mention (earliest wins a tie), (4) the sender's e-mail domain. Switzerland, as the host country,
counts only in a phrase or as the sender; names inside e-mail addresses and URLs are ignored.
"""

from __future__ import annotations

import bisect
import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress
from operator import itemgetter
from typing import Any

import pycountry
from babel import Locale

__all__ = ["ORGANISATIONS", "UN_NAMES", "canonical_names", "find_country_or_org", "resolve_name"]

# ------------------------------------------------------------------- hand tables (kept small on purpose)


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


#: UN-style English names where the ISO / CLDR English name differs from the name WIPO uses.
UN_NAMES: dict[str, str] = {
    "BO": "Bolivia (Plurinational State of)",
    "CD": "Democratic Republic of the Congo",
    "CG": "Congo",
    "CI": "Côte d'Ivoire",
    "CZ": "Czechia",
    "FM": "Micronesia (Federated States of)",
    "GB": "United Kingdom",
    "HK": "Hong Kong, China",
    "IR": "Iran (Islamic Republic of)",
    "KP": "Democratic People's Republic of Korea",
    "KR": "Republic of Korea",
    "LA": "Lao People's Democratic Republic",
    "MD": "Republic of Moldova",
    "MK": "North Macedonia",
    "MO": "Macao, China",
    "NL": "Netherlands (Kingdom of the)",
    "PS": "State of Palestine",
    "RU": "Russian Federation",
    "SY": "Syrian Arab Republic",
    "TR": "Türkiye",
    "TZ": "United Republic of Tanzania",
    "US": "United States of America",
    "VA": "Holy See",
    "VE": "Venezuela (Bolivarian Republic of)",
    "VN": "Viet Nam",
}

#: ISO 3166 entries that are neither WIPO members nor observers (dependent territories, Antarctica), and
#: Taiwan. Their names are still read, but only to swallow the words ("American Samoa" is not Samoa).
_NOT_RESOLVED = frozenset(
    _split(
        "AI AQ AS AW AX BL BM BQ BV CC CW CX EH FK FO GF GG GI GL GP GS GU HM IM IO JE KY "
        "MF MP MQ MS NC NF PF PM PN PR RE SH SJ SX TC TF TK TW UM VG VI WF YT"
    )
)

#: Formal and usual forms that neither CLDR nor the ISO translations carry.
_EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "AE": ("دولة الإمارات العربية المتحدة", "الإمارات", "阿拉伯联合酋长国"),
    "AZ": ("Азербайджанская Республика",),
    "CH": ("Confédération suisse",),
    "CI": ("Ivory Coast",),
    "EG": ("Египта",),  # fleeting vowel: Египет / Египта
    "GB": ("Great Britain",),
    "HK": ("Hong Kong", "Hong Kong SAR", "Hong Kong, China", "香港特别行政区", "香港特別行政區"),
    "KG": ("Кыргызская Республика", "Кыргызстан"),
    "KP": ("جمهورية كوريا الشعبية الديمقراطية", "朝鲜民主主义人民共和国", "朝鮮民主主義人民共和國"),
    "KR": ("جمهورية كوريا", "韓國"),
    "MO": (
        "Macao",
        "Macau",
        "Macao SAR",
        "Macau SAR",
        "Macao, China",
        "澳门",
        "澳門",
        "澳门特别行政区",
        "澳門特別行政區",
    ),
    "RU": ("俄罗斯联邦", "Россия"),
    "SZ": ("Swaziland",),
    "TR": ("Turkey",),
    "US": ("الولايات المتحدة الأمريكية", "США", "USA"),
    "ZA": ("ЮАР",),
}

#: National IP offices named without the country's name: a full name counts as an office phrase, an acronym
#: (often cited in passing: "USPTO guidance") as a mention.
_OFFICES: dict[str, tuple[str, ...]] = {
    "AU": ("IP Australia",),
    "CA": ("CIPO", "Canadian Intellectual Property Office"),
    "CH": (
        "Swiss Federal Institute of Intellectual Property",
        "Institut Fédéral de la Propriété Intellectuelle",
    ),
    "CN": ("CNIPA",),
    "DE": ("DPMA", "German Patent and Trade Mark Office", "Deutsches Patent- und Markenamt"),
    "GB": ("UKIPO",),
    "JP": ("JPO",),
    "KR": ("KIPO", "Korean Intellectual Property Office"),
    "MX": ("IMPI", "Instituto Mexicano de la Propiedad Industrial"),
    "PE": ("INDECOPI",),
    "RU": ("Rospatent", "Роспатент"),
    "SA": ("SAIP", "Saudi Authority for Intellectual Property"),
    "US": ("USPTO",),
}

#: Organisations and regional bodies: canonical English name -> names in the six languages and acronyms.
ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "African Intellectual Property Organization": (
        "African Intellectual Property Organisation",
        "Organisation Africaine de la Propriété Intellectuelle",
        "Organización Africana de la Propiedad Intelectual",
        "Африканская организация интеллектуальной собственности",
        "المنظمة الأفريقية للملكية الفكرية",
        "非洲知识产权组织",
        "非洲知識產權組織",
        "OAPI",
    ),
    "African Regional Intellectual Property Organization": (
        "African Regional Intellectual Property Organisation",
        "Organisation Régionale Africaine de la Propriété Intellectuelle",
        "Organización Regional Africana de la Propiedad Intelectual",
        "Африканская региональная организация интеллектуальной собственности",
        "المنظمة الإقليمية الأفريقية للملكية الفكرية",
        "非洲地区知识产权组织",
        "非洲區域知識產權組織",
        "ARIPO",
    ),
    "European Union": (  # CLDR's territory "EU" adds the six standard names
        "欧洲联盟",
        "歐洲聯盟",
        "Евросоюз",
    ),
    "European Union Intellectual Property Office": (
        "Office de l'Union européenne pour la propriété intellectuelle",
        "Oficina de Propiedad Intelectual de la Unión Europea",
        "Ведомство Европейского союза по интеллектуальной собственности",
        "مكتب الاتحاد الأوروبي للملكية الفكرية",
        "欧盟知识产权局",
        "EUIPO",
    ),
    "European Patent Office": (
        "European Patent Organisation",
        "Office européen des brevets",
        "Organisation européenne des brevets",
        "Oficina Europea de Patentes",
        "Европейское патентное ведомство",
        "المكتب الأوروبي للبراءات",
        "欧洲专利局",
        "歐洲專利局",
        "EPO",
    ),
    "Eurasian Patent Organization": (
        "Eurasian Patent Organisation",
        "Eurasian Patent Office",
        "Organisation eurasienne des brevets",
        "Organización Euroasiática de Patentes",
        "Евразийская патентная организация",
        "Евразийское патентное ведомство",
        "ЕАПО",
        "EAPO",
        "المنظمة الأوروبية الآسيوية للبراءات",
        "欧亚专利组织",
        "歐亞專利組織",
    ),
    "Patent Office of the Cooperation Council for the Arab States of the Gulf": (
        "GCC Patent Office",
        "Gulf Cooperation Council Patent Office",
        "Office des brevets du Conseil de coopération des États arabes du Golfe",
        "Oficina de Patentes del Consejo de Cooperación de los Estados Árabes del Golfo",
        "Патентное ведомство Совета сотрудничества арабских государств Залива",
        "Патентное ведомство Совета сотрудничества арабских государств Персидского залива",
        "مكتب براءات الاختراع لمجلس التعاون لدول الخليج العربية",
        "مكتب براءات الاختراع لدول مجلس التعاون الخليجي",
        "海湾阿拉伯国家合作委员会专利局",
        "海灣阿拉伯國家合作委員會專利局",
    ),
    "Benelux Organisation for Intellectual Property": (
        "Benelux Office for Intellectual Property",
        "Organisation Benelux de la Propriété intellectuelle",
        "Office Benelux de la Propriété intellectuelle",
        "Organización Benelux de la Propiedad Intelectual",
        "Организация интеллектуальной собственности Бенилюкса",
        "منظمة بنلوكس للملكية الفكرية",
        "比荷卢知识产权组织",
        "BOIP",
    ),
    "African Union": (
        "Union africaine",
        "Unión Africana",
        "Африканский союз",
        "الاتحاد الأفريقي",
        "非洲联盟",
        "非洲聯盟",
        "非盟",
    ),
    "Association of Southeast Asian Nations": (
        "ASEAN",
        "Association des nations de l'Asie du Sud-Est",
        "Asociación de Naciones del Asia Sudoriental",
        "Asociación de Naciones del Sudeste Asiático",
        "Ассоциация государств Юго-Восточной Азии",
        "АСЕАН",
        "رابطة أمم جنوب شرق آسيا",
        "آسيان",
        "东南亚国家联盟",
        "東南亞國家協會",
        "东盟",
        "東協",
    ),
    "Andean Community": (
        "Comunidad Andina",
        "Communauté andine",
        "Андское сообщество",
        "جماعة دول الأنديز",
        "安第斯共同体",
        "安第斯共同體",
    ),
    "League of Arab States": (
        "Arab League",
        "Ligue des États arabes",
        "Liga de los Estados Árabes",
        "Лига арабских государств",
        "جامعة الدول العربية",
        "阿拉伯国家联盟",
        "阿拉伯國家聯盟",
    ),
}

#: Names that are also ordinary words or first names: they count only capitalised, inside a mission/office
#: phrase or as the sender ("Jordan Smith will attend", "того же мнения").
_WEAK = frozenset({"chad", "jordan", "maurice", "mauricio", "granada", "grenade", "того", "عمان", "中非", "加纳"})

_HOST = "Switzerland"  # the meeting place: counts only in a phrase or as the sender
_LEADING_ARTICLES = frozenset({"the", "l", "le", "la", "les"})  # dropped from names: "the State of Eritrea"

# --------------------------------------------------------------------------- folding and tokens


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
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NOT_SPACE_RE = re.compile(r"\S+")
#: Combining marks left after NFC (Arabic vowel signs, stray accents) and the Arabic tatweel.
_MARKS_RE = re.compile(r"[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")


def _prepare(text: str) -> str:
    """NFC, without combining marks: the text every offset refers to."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _MARKS_RE.search(text):
        text = _MARKS_RE.sub("", text)
    return text


def _fold(text: str) -> str:
    """Lower-case, strip accents, unify Arabic letter variants; same length as the input."""
    return text.translate(_FOLD)


_RU_ENDINGS = _split(
    "иями ями ами ией ого его ому ему ыми ими ой ей ий ый ая яя ое ее ые ие ую юю ых их ым им ом ем "
    "ам ям ах ях ию ия ии ье ья ьи ью ов ев а я ы и у ю е о ь й"
)
_STEM = "~"  # marks a stem key, so that an exact form wins over a stem ("Нигера" is Niger, "Нигерии" Nigeria)
#: Endings a name may have in the nominative: "Вьетнам" keeps its "-ам", "Бруней" loses its "-й".
_RU_NOMINATIVE = frozenset(_split("ая яя ое ее ые ие ий ый ой ия а я ы и о е ь й"))
_RU_ADJECTIVE = frozenset(_split("ого его ому ему ыми ими ой ей ий ый ая яя ое ее ые ие ую юю ых их ым им"))


_RU_ENDING_SET = frozenset(_RU_ENDINGS)


def _ru_stem(word: str) -> str:
    """Strip one nominative ending, keeping a stem of four letters (three before an adjective ending)."""
    for size in (2, 1):  # nominative endings are one or two letters; the longer one first
        ending = word[-size:]
        keep = len(word) - size
        if ending in _RU_NOMINATIVE and (keep >= 4 or (keep >= 3 and ending in _RU_ADJECTIVE)):
            return word[:keep]
    return word


def _ru_variants(tok: str) -> tuple[str, ...]:
    """A Russian token, then every stem it may have (the exact form first: it wins over a stem)."""
    out = [tok, _STEM + tok]
    for size in (4, 3, 2, 1):
        ending = tok[-size:]
        keep = len(tok) - size
        if ending in _RU_ENDING_SET and (keep >= 4 or (keep >= 3 and ending in _RU_ADJECTIVE)):
            out.append(_STEM + tok[:keep])
    return tuple(out)


def _ru_forms(word: str) -> frozenset[str]:
    """Forms a Russian name word may take in a text: its stem, or for short words their regular case forms."""
    stem = _ru_stem(word)
    if stem != word:
        return frozenset({_STEM + stem})
    if word.endswith("ия"):
        return frozenset(word[:-1] + e for e in ("я", "и", "ю", "ей"))
    if word.endswith("а"):
        return frozenset(word[:-1] + e for e in ("а", "ы", "и", "е", "у", "ой"))
    if word[-1] in "оиуеюэя":
        return frozenset({word})  # indeclinable: Того, Мали, Перу, Чили
    return frozenset(word + e for e in ("", "а", "у", "ом", "е"))


def _ar_strip_article(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) >= 4 else word


def _ar_variants(tok: str) -> tuple[str, ...]:
    """A token with its attached conjunction (و ف), preposition (ب ل ك) and article (ال) stripped in turn."""
    out: set[str] = set()
    for conj in ("", "و", "ف"):
        if not tok.startswith(conj):
            continue
        s1 = tok[len(conj) :]
        for prep in ("", "ب", "ل", "ك"):
            if not s1.startswith(prep):
                continue
            rests = [s1[len(prep) :]]
            if prep == "ل" and s1.startswith("لل"):
                rests.append(s1[2:])  # ل + ال written لل
            for rest in rests:
                if len(rest) >= 2:
                    out.add(rest)
                    out.add(_ar_strip_article(rest))
    out.discard(tok)
    return (tok, *sorted(out))


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f"


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff"


def _word_forms(word: str) -> frozenset[str]:
    if _is_cyrillic(word[0]):
        return _ru_forms(word)
    if _is_arabic(word[0]):
        return frozenset({_ar_strip_article(word)})
    return frozenset({word})


def _variants(raw: str) -> tuple[str, ...]:
    """Keys a text token can match: its fold (first), plus a Russian stem or Arabic prefix-stripped forms."""
    tok = _fold(raw)
    first = tok[0]
    if _is_cyrillic(first):
        return _ru_variants(tok)
    if _is_arabic(first):
        return _ar_variants(tok)
    return (tok,)


def _name_words(name: str) -> list[str]:
    return [_fold(t) for t in _TOKEN_RE.findall(_prepare(name))]


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True, slots=True)
class _Entry:
    """One name as the matcher sees it."""

    target: str | None  # canonical name; None for a blocker (a non-member territory)
    kind: str  # "country" | "org"
    weak: bool
    office: bool


_END = ""  # trie key of the entry that ends at a node (no word form is empty)
_Trie = dict[str, Any]  # word form -> child node; _END -> _Entry


def _insert(node: _Trie, key: tuple[frozenset[str], ...], entry: _Entry, depth: int = 0) -> None:
    if depth == len(key):
        node.setdefault(_END, entry)
        return
    for form in key[depth]:
        _insert(node.setdefault(form, {}), key, entry, depth + 1)


@dataclass(slots=True)
class _Tables:
    trie: _Trie
    zh: dict[str, _Entry]
    zh_re: re.Pattern[str] | None
    slugs: dict[str, str]
    codes: dict[str, str]
    names: list[str]


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


def _member_codes() -> list[str]:
    return sorted(c.alpha_2 for c in pycountry.countries if c.alpha_2 not in _NOT_RESOLVED)


def _english_name(code: str) -> str:
    if code in UN_NAMES:
        return UN_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    return country.name


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Build every lookup structure once."""
    # registry: key -> {(target, kind): (priority, weak, office)}; the best priority wins, a tie between
    # two different targets drops the key (ambiguous, e.g. "Korea").
    reg: dict[object, dict[tuple[str | None, str], tuple[int, bool, bool]]] = {}
    slugs: dict[str, dict[str, int]] = {}

    def add(alias: str, target: str | None, prio: int, kind: str = "country", office: bool = False) -> None:
        alias = alias.strip()
        if not alias:
            return
        if _CJK_RE.search(alias):
            key: object = ("zh", re.sub(r"\s+", "", alias))
            weak = key[1] in _WEAK
        else:
            words = _name_words(alias)
            while len(words) > 1 and words[0] in _LEADING_ARTICLES:
                words = words[1:]
            if not words:
                return
            key = tuple(_word_forms(w) for w in words)
            weak = " ".join(words) in _WEAK
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

    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("ar", "zh_CN", "zh_TW", "ru", "fr", "es")
    ]
    locales = [Locale.parse(lang) for lang in ("en", "fr", "es", "ru", "ar", "zh", "zh_Hant")]
    members = set(_member_codes())
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        target = _english_name(code) if code in members else None
        prio = 1 if target else 3
        if target:
            codes[code] = target
            codes[country.alpha_3] = target
            add(target, target, 0)
        iso = [country.name, getattr(country, "official_name", ""), getattr(country, "common_name", "")]
        for name in filter(None, iso):
            add_with_derived(name, target, prio)
            for tr in translations:
                add_with_derived(tr.gettext(name), target, prio)
        for loc in locales:
            if code in loc.territories:
                add_with_derived(loc.territories[code], target, prio)
    for code, aliases in _EXTRA_ALIASES.items():
        for alias in aliases:
            add(alias, codes[code], 0)
    for code, aliases in _OFFICES.items():
        for alias in aliases:  # a full office name counts as an office phrase, an acronym as a mention
            add(alias, codes[code], 0, office=" " in alias)
    for org, aliases in ORGANISATIONS.items():
        add(org, org, 0, "org")
        for alias in aliases:
            add(alias, org, 0, "org")
    for loc in locales:
        add(loc.territories["EU"], "European Union", 1, "org")
    codes["EU"] = "European Union"

    trie: _Trie = {}
    zh: dict[str, _Entry] = {}
    for key, slot in reg.items():
        best = min(p for p, _, _ in slot.values())
        winners = [(tk, v) for tk, v in slot.items() if v[0] == best]
        if len({tk[0] for tk, _ in winners}) > 1:
            continue  # ambiguous between two targets
        (target, kind), (_, weak, office) = winners[0]
        entry = _Entry(target, kind, weak, office)
        if isinstance(key, tuple) and key and key[0] == "zh":
            zh[key[1]] = entry
            continue
        assert isinstance(key, tuple)
        _insert(trie, key, entry)

    slug_map = {}
    for slug, targets in slugs.items():
        best = min(targets.values())
        winners = [t for t, p in targets.items() if p == best]
        if len(winners) == 1:
            slug_map[slug] = winners[0]

    zh_re = re.compile(_trie_regex(sorted(zh))) if zh else None
    return _Tables(trie, zh, zh_re, slug_map, codes, sorted({*codes.values(), *ORGANISATIONS}))


# --------------------------------------------------------------------------- phrase context

_EN_OF = r"of\s+(?:the\s+)?"
_EN_STATE = (
    r"(?:(?:[\w'-]+\s+){0,2}?(?:republic|kingdom|state|principality|sultanate|federation|commonwealth|duchy|emirate)"
    r"\s+" + _EN_OF + r")?"
)
_FR_DE = r"(?:de\s+la\s+|de\s+l'\s*|du\s+|des\s+|de\s+|d'\s*)"
_FR_STATE = (
    r"(?:(?:republique|royaume|etat|principaute|sultanat|federation|confederation|grand-duche|emirat)"
    r"(?:\s+[\w'-]+){0,2}?\s+" + _FR_DE + r")?"
)
_ES_DE = r"(?:de\s+(?:la|las|los|el)\s+|del\s+|de\s+)"
_ES_STATE = (
    r"(?:(?:republica|reino|estado|principado|sultanato|federacion|confederacion|gran\s+ducado|emirato|mancomunidad)"
    r"(?:\s+[\w'-]+){0,2}?\s+" + _ES_DE + r")?"
)
_RU_STATE = r"(?:(?:республик|королевств|государств|княжеств|султанат|федераци|конфедераци|содружеств|эмират)\w*\s+)?"
_AR_STATE = r"(?:ل?(?:ال)?(?:جمهوريه|مملكه|دوله|اماره|سلطنه|اتحاد)\s+)?"
_LOOSE = r"[^.;:\n]{0,60}?\s"
#: Up to four words between an institution and the country in the genitive ("Агентство по интеллектуальной
#: собственности Республики …"), none of them a preposition that would start another phrase.
_RU_LOOSE = r"(?:\s+(?!(?:с|со|в|во|о|об|на|для|и|при|к|у|из|за|до|от|через|между)\s)[\w-]+){0,4}\s+"


def _fold_pattern(pattern: str) -> str:
    """Fold the non-ASCII letters of a regex the way texts are folded (ASCII regex syntax is left alone)."""
    return "".join(ch if ch.isascii() else _FOLD.get(ord(ch), ch) for ch in pattern)


_AR = r"(?<!\w)[وف]?(?:ال)?"

#: Phrases that end right before a name ("Permanent Mission of the ", "البعثه الدائمه "): (head, tail) pairs.
#: A full phrase must run from a head up to the name.
_BEFORE = (
    (
        r"\b(?:permanent\s+mission|mission|delegation|embassy|government|permanent\s+representative|representative"
        r"|ambassador|consulate|high\s+commission|on\s+behalf)",
        r"\s+" + _EN_OF + _EN_STATE,
    ),
    (
        r"\b(?:ministry|office|department|agency|institute|administration|authority|directorate|registry)\b",
        _LOOSE + _EN_OF + _EN_STATE,
    ),
    (
        r"\b(?:mission\s+permanente|mission|delegation|ambassade|gouvernement|representation\s+permanente"
        r"|representant\s+permanent|representante\s+permanente|ambassadeur|ambassadrice|consulat|au\s+nom)",
        r"\s+" + _FR_DE + _FR_STATE,
    ),
    (
        r"\b(?:ministere|office|institut|agence|direction|administration|autorite|organisme|departement)\b",
        _LOOSE + _FR_DE + _FR_STATE,
    ),
    (
        r"\b(?:mision\s+permanente|mision|delegacion|embajada|gobierno|representacion\s+permanente"
        r"|representante\s+permanente|embajador|embajadora|consulado|en\s+nombre)",
        r"\s+" + _ES_DE + _ES_STATE,
    ),
    (
        r"\b(?:ministerio|oficina|instituto|agencia|direccion|administracion|autoridad|superintendencia"
        r"|departamento|secretaria)\b",
        _LOOSE + _ES_DE + _ES_STATE,
    ),
    (
        r"\b(?:(?:постоянн\w*\s+)?(?:представительств|представител|делегаци|посольств|правительств|мисси"
        r"|консульств)\w*|посол|посла|послу|послом|от\s+имени)",
        r"\s+" + _RU_STATE,
    ),
    (
        r"\b(?:министерств|ведомств|агентств|институт|управлени|служб|департамент|администраци)\w*",
        _RU_LOOSE + _RU_STATE,
    ),
    (
        _AR + r"(?:بعثه\s+(?:ال)?دائمه|بعثه|وفد|سفاره|حكومه|مندوبيه\s+(?:ال)?دائمه|مندوب\s+(?:ال)?دائم"
        r"|ممثل\w*\s+(?:ال)?دائم\w*|سفير|قنصليه|باسم|نيابه\s+عن)",
        r"\s+" + _AR_STATE,
    ),
    (
        _AR + r"(?:وزاره|مكتب|هيئه|مؤسسه|اداره|مصلحه|معهد|وكاله|مديريه|مركز|سلطه)(?!\w)",
        r"[^.;:\n،]{0,60}?\s" + _AR_STATE,
    ),
)
_BEFORE_RE = re.compile(_fold_pattern("|".join(f"(?:{head}{tail})" for head, tail in _BEFORE)))


def _head_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """The literal words of the heads above: short ones as whole words, longer ones as word prefixes."""
    words = set()
    for head, _ in _BEFORE:
        words.update(re.findall(r"[^\W\d_]+", re.sub(r"\\[a-zA-Z]", " ", _fold_pattern(head))))
    return frozenset(w for w in words if len(w) <= 2), tuple(sorted(w for w in words if len(w) > 2))


#: Where a phrase may start: found per token (cached), so the text is never scanned for heads as a whole.
_HEAD_WORDS, _HEAD_PREFIXES = _head_words()

#: Phrases that start right after a name ("… Intellectual Property Office", "…常驻代表团").
_AFTER_RE = re.compile(
    _fold_pattern(
        r"(?:'s)?\s+(?:(?:national\s+)?(?:intellectual\s+property|industrial\s+property|patent(?:\s+and\s+trade\s*mark)?"
        r"|trade\s*mark|ip)\s+(?:office|institute|agency|authority|administration|department)|permanent\s+mission|mission"
        r"|delegation|embassy|government)\b"
        r"|\s*(?:(?:常驻|常駐|驻|駐)[^。，,；;\n]{0,40}?(?:代表团|代表團|代表处|代表處|大使馆|大使館)"
        r"|(?:特别行政区|特別行政區)?政府|常驻|常駐|驻|駐|代表团|代表團|代表处|代表處|大使馆|大使館"
        r"|(?:国家)?知识产权(?:局|署|厅|办公室)|(?:國家)?知識產權(?:局|署|廳|辦公室)|(?:专利|專利)(?:局|厅|廳)"
        r"|外交部|特许厅|特許廳|商标局|商標局)"
    )
)


class _Context:
    """Folded context windows of a prepared text, computed on demand."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def before(self, heads: list[int], start: int) -> int | None:
        """Offset of the earliest head from which a full phrase runs up to the name at `start`."""
        lo = heads[0]
        window = _fold(self._text[lo:start])
        for head in heads:
            if _BEFORE_RE.fullmatch(window, head - lo):
                return head
        return None

    def after(self, end: int, cjk: bool) -> int | None:
        """End offset of an office/mission phrase right after the name ending at `end`."""
        if cjk:  # Chinese needs no fold (and folding CJK text is the slow path of str.translate)
            m = _AFTER_RE.match(self._text, end, end + 80)
            return m.end() if m and m.end() > end else None
        m = _AFTER_RE.match(_fold(self._text[end : end + 80]))
        return end + m.end() if m and m.end() > 0 else None


# --------------------------------------------------------------------------- matching


@dataclass(slots=True)
class _Hit:
    name: str
    kind: str
    start: int
    end: int
    weak: bool
    office: bool
    phrase: tuple[int, int] | None = None


_Info = tuple[tuple[str, ...], bool, bool]  # (variants, may start a name, may start a phrase)
_TOKEN_INFO: dict[str, _Info] = {}
_SPLIT_RE = re.compile(r"([^\W_]+)")


def _token_info(raw: str, trie: _Trie) -> _Info:
    """What the matcher needs to know about one token, cached by its raw text."""
    if raw.isascii():  # the common case, kept cheap: one variant
        tok = raw.lower()
        info = ((tok,), tok in trie, tok in _HEAD_WORDS or tok.startswith(_HEAD_PREFIXES))
    else:
        variants = _variants(raw)
        words = variants[:1] if variants[-1][0] == _STEM else variants  # stems never start a phrase
        info = (
            variants,
            not trie.keys().isdisjoint(variants),
            any(w in _HEAD_WORDS or w.startswith(_HEAD_PREFIXES) for w in words),
        )
    if len(_TOKEN_INFO) > 20_000:  # bounded: about 5 MB at most
        _TOKEN_INFO.clear()
    _TOKEN_INFO[raw] = info
    return info


def _infos(tokens: list[str], trie: _Trie) -> list[_Info]:
    """Token infos, from the cache where possible."""
    get = _TOKEN_INFO.get
    infos = list(map(get, tokens))
    if None in infos:
        infos = [info or get(tok) or _token_info(tok, trie) for info, tok in zip(infos, tokens, strict=True)]
    return infos  # type: ignore[return-value]


def _match_tokens(infos: list[_Info], trie: _Trie) -> list[tuple[int, int, _Entry]]:
    """Leftmost-longest, non-overlapping name matches over the tokens: (first token, end token, entry)."""
    variants = list(map(itemgetter(0), infos))
    n = len(variants)
    out = []
    free = 0
    for i in compress(range(n), map(itemgetter(1), infos)):
        if i < free:
            continue
        best_len = 0
        best: _Entry | None = None
        for v in variants[i]:
            node = trie.get(v)
            if node is None:
                continue
            frontier = [(node, i + 1)]
            while frontier:
                node, j = frontier.pop()
                entry = node.get(_END)
                if entry is not None and j - i > best_len:
                    best_len, best = j - i, entry
                if j < n:
                    for v2 in variants[j]:
                        child = node.get(v2)
                        if child is not None:
                            frontier.append((child, j + 1))
        if best is not None:
            out.append((i, i + best_len, best))
            free = i + best_len
    return out


def _link_spans(text: str) -> list[tuple[int, int]]:
    """Merged, sorted spans of e-mail addresses, handles and URLs: names inside them are not mentions."""
    spans = []
    for marker in ("@", "://", "www.", "WWW."):
        at = text.find(marker)
        while at != -1:
            m = _NOT_SPACE_RE.match(text, at)
            end = m.end() if m else at + len(marker)
            start = at
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._+'-"):
                start -= 1
            spans.append((start, end))
            at = text.find(marker, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _in_link(links: list[tuple[int, int]], link_starts: list[int], start: int, end: int) -> bool:
    k = bisect.bisect_left(link_starts, end) - 1
    return k >= 0 and links[k][1] > start


def _scan(text: str, tables: _Tables) -> list[_Hit]:
    """Every name in a prepared text, outside e-mail addresses and URLs, with its phrase span if any."""
    pieces = _SPLIT_RE.split(text)  # separator, token, separator, token, ..., separator
    tokens = pieces[1::2]
    offsets = list(accumulate(map(len, pieces)))  # token i starts at offsets[2 * i]
    infos = _infos(tokens, tables.trie)
    found: list[tuple[int, int, _Entry, int]] = [
        (offsets[2 * a], offsets[2 * b - 1], entry, a) for a, b, entry in _match_tokens(infos, tables.trie)
    ]
    if tables.zh_re is not None and _CJK_RE.search(text):
        found.extend((m.start(), m.end(), tables.zh[m.group()], -1) for m in tables.zh_re.finditer(text))
        found.sort(key=lambda r: r[0])
    links = _link_spans(text)
    link_starts = [a for a, _ in links]
    ctx = _Context(text)
    hits = []
    head_tokens: list[int] | None = None
    for start, end, entry, first in found:
        if entry.target is None or (links and _in_link(links, link_starts, start, end)):
            continue
        if entry.weak and text[start].islower():
            continue  # "того же мнения", "jordan" in a handle: only the capitalised name counts
        hit = _Hit(entry.target, entry.kind, start, end, entry.weak, entry.office)
        if entry.office:
            hit.phrase = (start, end)
        else:
            heads = []
            if first > 0:
                if head_tokens is None:
                    head_tokens = list(compress(range(len(infos)), map(itemgetter(2), infos)))
                k = bisect.bisect_left(head_tokens, first)
                lo = start - 140
                heads = [offsets[2 * t] for t in head_tokens[max(0, k - 12) : k] if offsets[2 * t] >= lo]
            head = ctx.before(heads, start) if heads else None
            if head is not None:
                hit.phrase = (head, end)
            else:
                stop = ctx.after(end, first < 0)
                hit.phrase = (start, stop) if stop is not None else None
        hits.append(hit)
    return hits


def _pick(hits: list[_Hit]) -> tuple[str, list[_Hit]]:
    """The most frequent name among the hits; the earliest first occurrence wins a tie."""
    groups: dict[str, list[_Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.name, []).append(hit)
    name = max(groups, key=lambda k: (len(groups[k]), -groups[k][0].start))
    return name, groups[name]


def _quote(text: str, start: int, end: int) -> str:
    snippet = " ".join(text[start:end].split())
    return snippet if len(snippet) <= 120 else snippet[:117] + "…"


def _times(n: int) -> str:
    return f" ×{n}" if n > 1 else ""


# --------------------------------------------------------------------------- sender domain

_GENERIC_TLDS = frozenset({"com", "org", "net", "int", "gov", "edu", "mil", "info", "biz", "example", "test", "local"})
_VANITY_TLDS = frozenset({"co", "me", "tv", "io", "ai", "fm", "ly", "ws", "cc", "to", "nu", "gg", "la", "md", "am"})
#: Two-letter label parts that are words or IT jargon rather than ISO codes ("no-reply", "team-it").
_WORDS_NOT_CODES = frozenset(_split("no me my to in it is at be by do go so us am an as id tv ai co fm pe ad"))
_OFFICIAL_SLD = frozenset({"gov", "gob", "go", "gouv", "govt", "gv", "mil", "mfa", "mofa", "mre", "nic", "ac", "edu"})


def _from_domain(domain: str, tables: _Tables) -> tuple[str | None, str]:
    """Resolve a sender domain by a name in its labels, its country-code TLD, or an ISO code after a dash."""
    domain = domain.strip().lower().rsplit("@", 1)[-1].strip(".")
    labels = [lab for lab in domain.split(".") if lab]
    if not labels:
        return None, ""
    tld, inner = labels[-1], labels[:-1]
    for label in inner:
        parts = [p for p in re.split(r"[-_]", label) if p]
        for size in range(len(parts), 0, -1):
            for i in range(len(parts) - size + 1):
                hit = tables.slugs.get("".join(parts[i : i + size]))
                if hit:
                    return hit, f"'{'-'.join(parts[i : i + size])}'"
    if len(tld) == 2 and tld not in _GENERIC_TLDS:
        code = {"uk": "GB"}.get(tld, tld.upper())
        official = len(inner) >= 2 and inner[-1] in _OFFICIAL_SLD
        if code in tables.codes and (tld not in _VANITY_TLDS or official):
            return tables.codes[code], f".{tld}"
    for pos, label in enumerate(inner):
        parts = re.split(r"[-_]", label)
        for k, part in enumerate(parts):
            code = {"uk": "GB"}.get(part, part.upper())
            if len(part) == 2 and (k > 0 or pos > 0) and part not in _WORDS_NOT_CODES and code in tables.codes:
                return tables.codes[code], f"'{part}'"
    return None, ""


# --------------------------------------------------------------------------- public API


def find_country_or_org(text: str, *, sender_domain: str = "") -> tuple[str | None, list[str]]:
    """Name the member state or organisation a message speaks for, with the signals behind the decision."""
    tables = _tables()
    text = _prepare(text)
    hits = _scan(text, tables) if text else []
    signals: list[str] = []
    name: str | None = None

    phrased = [h for h in hits if h.phrase]
    orgs = [h for h in hits if h.kind == "org"]
    mentions = [h for h in hits if h.kind == "country" and not h.weak and h.name != _HOST]
    if phrased:
        name, group = _pick(phrased)
        first = group[0]
        assert first.phrase is not None
        label = "office name" if first.office else "mission phrase"
        signals.append(f"{label}: '{_quote(text, *first.phrase)}'{_times(len(group))}")
    elif orgs and (not mentions or len(_pick(orgs)[1]) >= len(_pick(mentions)[1])):
        # an organisation named in passing ("the EU's AI Act") does not outweigh a country named more often
        name, group = _pick(orgs)
        signals.append(f"organisation: '{_quote(text, group[0].start, group[0].end)}'{_times(len(group))}")
    elif mentions:
        name, group = _pick(mentions)
        signals.append(f"mention: '{_quote(text, group[0].start, group[0].end)}' ×{len(group)}")
        others: dict[str, list[_Hit]] = {}
        for hit in mentions:
            if hit.name != name:
                others.setdefault(hit.name, []).append(hit)
        for other in sorted(others.values(), key=lambda g: (-len(g), g[0].start))[:2]:
            signals.append(f"also mentioned: '{_quote(text, other[0].start, other[0].end)}' ×{len(other)}")

    host = [h for h in hits if h.name == _HOST and not h.phrase]
    if host and name != _HOST:
        signals.append(f"ignored host context: '{_quote(text, host[0].start, host[0].end)}' ×{len(host)}")

    if sender_domain:
        by_domain, how = _from_domain(sender_domain, tables)
        if name is None and by_domain:
            name = by_domain
            signals.insert(0, f"sender domain: {sender_domain} ({how})")
        elif by_domain:
            verdict = "agrees" if by_domain == name else f"points to {by_domain}"
            signals.append(f"sender domain {verdict}: {sender_domain} ({how})")
    if name is None:
        signals.append("no country or organisation found")
    return name, signals


def resolve_name(name: str) -> str | None:
    """One name in any of the six languages, any variant or an ISO code -> the canonical English name."""
    tables = _tables()
    text = _prepare(name).strip().strip(".,;:\"'«»“”")
    if not text:
        return None
    if text.isascii() and text.isalpha() and text.isupper() and len(text) in (2, 3) and text in tables.codes:
        return tables.codes[text]
    if _CJK_RE.search(text):
        entry = tables.zh.get(re.sub(r"\s+", "", text))
        return entry.target if entry else None
    words = _name_words(text)
    for skip in (0, 1):  # allow one leading article: "the Philippines", "la France", "el Perú"
        if skip and (not words or words[0] not in {"the", "la", "le", "les", "l", "el", "los", "las"}):
            break
        rest = _infos(words[skip:], tables.trie)
        found = _match_tokens(rest, tables.trie)
        if len(found) == 1 and found[0][0] == 0 and found[0][1] == len(rest) and found[0][2].target:
            return found[0][2].target
    return None


def canonical_names() -> list[str]:
    """Every name `find_country_or_org` and `resolve_name` can return, sorted."""
    return list(_tables().names)
