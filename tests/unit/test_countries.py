"""Which member state or organisation a message speaks for, in the six UN languages (table-driven)."""

import time
import unicodedata

import pytest
from babel import Locale

from config.countries import load_country_source, load_country_tables
from handlers.countries import canonical_names, find_country_or_org, resolve_name
from handlers.country_tables import CountrySource, CountryTables

OAPI = "African Intellectual Property Organization"
ARIPO = "African Regional Intellectual Property Organization"
GCC = "Patent Office of the Cooperation Council for the Arab States of the Gulf"
EU = "European Union"


@pytest.fixture(scope="module")
def tables() -> CountryTables:
    """Built once for the module, as the shell does."""
    return load_country_tables()


@pytest.fixture(scope="module")
def source() -> CountrySource:
    return load_country_source()


# (text, sender domain, expected name)
CASES = [
    # (1) mission / delegation / office phrases, every language
    ("The Permanent Mission of the Russian Federation presents its compliments", "", "Russian Federation"),
    ("Mission permanente de la France", "", "France"),
    ("中华人民共和国常驻代表团", "", "China"),
    ("中華人民共和國常駐聯合國日內瓦辦事處代表團", "", "China"),
    ("Постоянное представительство Республики Казахстан", "", "Kazakhstan"),
    ("Постоянное представительство Российской Федерации при Отделении ООН", "", "Russian Federation"),
    ("Постоянное представительство Китайской Народной Республики", "", "China"),
    ("Просим включить в список делегации Армении", "", "Armenia"),
    ("Постоянное представительство Нигерии", "", "Nigeria"),
    ("Постоянное представительство Нигера", "", "Niger"),
    ("Постоянное представительство Того", "", "Togo"),
    ("البعثة الدائمة لجمهورية مصر العربية", "", "Egypt"),
    ("تتشرف البعثة الدائمة لدولة الإمارات العربية المتحدة", "", "United Arab Emirates"),
    ("البعثة الدائمة للمملكة المغربية لدى مكتب الأمم المتحدة في جنيف", "", "Morocco"),
    ("الْبَعْثَةُ الدَّائِمَةُ لِلْمَمْلَكَةِ الْعَرَبِيَّةِ السُّعُودِيَّةِ", "", "Saudi Arabia"),
    ("La Misión Permanente de los Estados Unidos Mexicanos", "", "Mexico"),
    ("Misión Permanente del Perú ante la Oficina de las Naciones Unidas", "", "Peru"),
    ("Embajada de la República Argentina", "", "Argentina"),
    ("Mission permanente du Sénégal", "", "Senegal"),
    ("Mission permanente de l'Inde", "", "India"),
    ("La Mission permanente des États-Unis d'Amérique", "", "United States of America"),
    ("Mission permanente de la République démocratique du Congo", "", "Democratic Republic of the Congo"),
    ("Mission permanente de la République du Congo", "", "Congo"),
    ("Permanent Mission of the Philippines", "", "Philippines"),
    ("Permanent Mission of the Plurinational State of Bolivia", "", "Bolivia (Plurinational State of)"),
    ("Delegation of Türkiye", "", "Türkiye"),
    ("Ministry of Foreign Affairs of Japan", "", "Japan"),
    ("National Intellectual Property Office of Viet Nam", "", "Viet Nam"),
    ("Chile Intellectual Property Office", "", "Chile"),
    ("Korean Intellectual Property Office", "", "Republic of Korea"),
    ("香港特别行政区政府知识产权署", "", "Hong Kong, China"),
    ("韩国国家知识产权局", "", "Republic of Korea"),
    ("The Delegation of the European Union to the United Nations", "", EU),
    # the host country and WIPO are the meeting place, not the sender
    ("The session will be held in Geneva, Switzerland. The Permanent Mission of Chile", "", "Chile"),
    ("La Misión Permanente de España ante la Oficina en Ginebra, Suiza", "", "Spain"),
    ("中华人民共和国常驻联合国日内瓦办事处和瑞士其他国际组织代表团谨向国际局致意", "", "China"),
    ("Permanent Mission of Switzerland", "", "Switzerland"),
    (
        "The International Bureau of the World Intellectual Property Organization, Geneva, Switzerland",
        "",
        None,
    ),
    ("Международное бюро ВОИС, Женева, Швейцария", "", None),
    # a phrase outweighs more frequent mentions
    ("Chile, Chile and Chile were discussed. The Permanent Mission of Peru", "", "Peru"),
    # (2) organisations, in the six languages
    ("Organisation Africaine de la Propriété Intellectuelle", "", OAPI),
    ("L'OAPI et ses États membres : Cameroun, Sénégal", "", OAPI),
    ("ARIPO", "", ARIPO),
    ("Евразийская патентная организация (ЕАПО)", "", "Eurasian Patent Organization"),
    ("GCC Patent Office", "", GCC),
    ("مكتب براءات الاختراع لمجلس التعاون لدول الخليج العربية", "", GCC),
    ("Benelux Office for Intellectual Property (BOIP)", "", "Benelux Organisation for Intellectual Property"),
    ("Union européenne", "", EU),
    ("Unión Europea", "", EU),
    ("Европейский союз", "", EU),
    ("الاتحاد الأوروبي", "", EU),
    ("欧洲联盟", "", EU),
    ("欧盟", "", EU),
    ("Unión Africana", "", "African Union"),
    ("Comunidad Andina", "", "Andean Community"),
    # (3) the most frequent country mention; the earliest wins a tie
    ("Казахстан принял стратегию. Казахстан и Узбекистан", "", "Kazakhstan"),
    ("Peru and Chile share a strategy", "", "Peru"),
    ("我们来自大韩民国。", "", "Republic of Korea"),
    ("俄罗斯联邦的战略", "", "Russian Federation"),
    ("澳門特別行政區經濟及科技發展局", "", "Macao, China"),
    ("澳门", "", "Macao, China"),
    ("Chile adopted a policy. Chile follows the European Union AI Act.", "", "Chile"),
    # names that are also words, names of non-members, names in addresses
    ("Jordan Smith will attend.", "", None),
    ("Permanent Mission of Jordan", "", "Jordan"),
    ("Мы того же мнения", "", None),
    ("Réunion du 28 octobre à Genève", "", None),
    ("Representative of American Samoa", "", None),
    ("Contact chile@mission.example or https://www.peru.example/ai", "", None),
    ("Thank you for the invitation.", "", None),
    ("Mission permanente du Se\u0301ne\u0301gal", "", "Senegal"),  # decomposed accents
    # (4) the sender's domain, last
    ("Please find attached our nomination.", "mission-chile.example", "Chile"),
    ("Please find attached our nomination.", "mfa-kz.example", "Kazakhstan"),
    ("Please find attached our nomination.", "ipo-norway.example", "Norway"),
    ("Please find attached our nomination.", "kipo.go.kr", "Republic of Korea"),
    ("Please find attached our nomination.", "inpi.gov.br", "Brazil"),
    ("Please find attached our nomination.", "ec.europa.eu", EU),
    ("Please find attached our nomination.", "wipo.int", None),
    ("Please find attached our nomination.", "gmail.com", None),
    ("Please find attached our nomination.", "no-reply.example", None),
    ("The meeting in Geneva, Switzerland.", "ige.ch", "Switzerland"),
    ("Permanent Mission of Peru", "mission-chile.example", "Peru"),
]


@pytest.mark.parametrize(("text", "domain", "expected"), CASES)
def test_find_country_or_org(text: str, domain: str, expected: str | None, tables: CountryTables) -> None:
    name, signals = find_country_or_org(text, tables, sender_domain=domain)
    assert name == expected, signals
    assert signals and all(isinstance(s, str) and s for s in signals)


@pytest.mark.parametrize(
    ("text", "domain", "signal"),
    [
        (
            "The Permanent Mission of the Republic of Korea presents its compliments",
            "",
            "mission phrase: 'Permanent Mission of the Republic of Korea'",
        ),
        ("Казахстан принял стратегию. Казахстан и Узбекистан", "", "mention: 'Казахстан' ×2"),
        ("Organisation Africaine de la Propriété Intellectuelle", "", "organisation: "),
        ("Korean Intellectual Property Office", "", "office name: 'Korean Intellectual Property Office'"),
        ("Nothing here.", "mission-chile.example", "sender domain: mission-chile.example"),
        ("Held in Geneva, Switzerland.", "", "ignored host context: 'Switzerland' ×1"),
        ("Permanent Mission of Chile", "mission-chile.example", "sender domain agrees: mission-chile"),
        ("Permanent Mission of Peru", "mission-chile.example", "sender domain points to Chile"),
        ("Nothing here.", "", "no country or organisation found"),
    ],
)
def test_signals_explain_the_decision(text: str, domain: str, signal: str, tables: CountryTables) -> None:
    _, signals = find_country_or_org(text, tables, sender_domain=domain)
    assert any(s.startswith(signal) for s in signals), signals


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Côte d’Ivoire", "Côte d'Ivoire"),
        ("Кот-д'Ивуар", "Côte d'Ivoire"),
        ("Cote d'Ivoire", "Côte d'Ivoire"),
        ("ساحل العاج", "Côte d'Ivoire"),
        ("科特迪瓦", "Côte d'Ivoire"),
        ("South Korea", "Republic of Korea"),
        ("Corée du Sud", "Republic of Korea"),
        ("대한민국", None),  # Korean is not one of the six languages
        ("Российской Федерации", "Russian Federation"),
        ("Россия", "Russian Federation"),
        ("中國", "China"),
        ("Turkey", "Türkiye"),
        ("Iran", "Iran (Islamic Republic of)"),
        ("the Philippines", "Philippines"),
        ("Estados Unidos Mexicanos", "Mexico"),
        ("République du Sénégal", "Senegal"),
        ("المملكة العربية السعودية", "Saudi Arabia"),
        ("Hong Kong SAR", "Hong Kong, China"),
        ("Macau", "Macao, China"),
        ("Czech Republic", "Czechia"),
        ("KR", "Republic of Korea"),
        ("CHE", "Switzerland"),
        ("EU", EU),
        ("OAPI", OAPI),
        ("Union européenne", EU),
        ("Korea", None),  # ambiguous between the two Koreas
        ("Taiwan", None),
        ("Puerto Rico", None),
        ("Atlantis", None),
        ("", None),
        ("Chile and Peru", None),  # one name, not two
    ],
)
def test_resolve_name(name: str, expected: str | None, tables: CountryTables) -> None:
    assert resolve_name(name, tables) == expected


def test_every_canonical_name_resolves_to_itself(tables: CountryTables) -> None:
    assert [n for n in canonical_names(tables) if resolve_name(n, tables) != n] == []


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ru", "ar", "zh", "zh_Hant"])
def test_cldr_names_resolve(lang: str, tables: CountryTables, source: CountrySource) -> None:
    """Every CLDR name of a covered country resolves to it (no collisions between countries)."""
    english = Locale.parse("en").territories
    by_english = {resolve_name(english[code], tables): code for code in english if len(code) == 2}
    territories = Locale.parse(lang).territories
    wrong = []
    for canonical, code in by_english.items():
        if canonical is None or canonical in source.organisations or code not in territories:
            continue
        if resolve_name(territories[code], tables) != canonical:
            wrong.append((code, territories[code], resolve_name(territories[code], tables)))
    assert wrong == []


def test_canonical_names(tables: CountryTables, source: CountrySource) -> None:
    names = canonical_names(tables)
    assert names == sorted(names)
    assert set(source.un_names.values()) <= set(names)
    assert set(source.organisations) <= set(names)
    assert {"Hong Kong, China", "Macao, China", "Holy See", "State of Palestine", "Czechia"} <= set(names)
    assert not any("Taiwan" in n for n in names)
    # 193 UN members, the Holy See, Palestine, the Cook Islands, Niue, Hong Kong and Macao
    assert len(names) == 199 + len(source.organisations)


def test_names_come_back_in_nfc(tables: CountryTables) -> None:
    for name in canonical_names(tables):
        assert unicodedata.is_normalized("NFC", name)


def test_a_3000_character_text_is_fast(tables: CountryTables) -> None:
    """The target is well under 2 ms; the bound here leaves room for a loaded CI machine."""
    text = (
        "The Permanent Mission of the Republic of Korea to the United Nations Office in Geneva presents its "
        "compliments to the International Bureau of WIPO. Постоянное представительство Республики Казахстан. "
        "البعثة الدائمة لجمهورية مصر العربية. 中华人民共和国常驻代表团。 Misión Permanente de Chile. "
    ) * 20
    text = text[:3000]
    find_country_or_org(text, tables)
    runs = 50
    start = time.perf_counter()
    for _ in range(runs):
        find_country_or_org(text, tables, sender_domain="mission-chile.example")
    assert (time.perf_counter() - start) / runs < 0.010
