"""The organisation a sender writes for when no member state or known organisation is named.

Start-ups, universities, associations and networks are in no table: their name is in the signature ("Brevetix
SAS", "Frontier Tech Policy Network (FTPN)"), in the sender's display name ("Open Inventors Network") or in a
phrase such as "on behalf of …" / "desde la …". Pure functions over strings; patterns bounded.
"""

from __future__ import annotations

import re

# nouns and suffixes that make a line name an organisation, in the six languages
_ORG_WORD = re.compile(
    r"\b(?:universit\w*|universidad|institut\w*|association|associa[cç]\w+|asociaci[oó]n|network|r[ée]seau|"
    r"red|regroupement|alliance|alianza|foundation|fondation|fundaci[oó]n|cent(?:re|er|ro)|council|conseil|"
    r"consejo|chamber|chambre|c[aá]mara|society|soci[ée]t[ée]|sociedad|federation|f[ée]d[ée]ration|"
    r"federaci[oó]n|guild|coalition|forum|foro|consortium|consorcio|initiative|academy|acad[ée]mie|academia|"
    r"lab|labs|laborator\w*|analytics|technolog\w*|tech|systems|solutions|partners|"
    r"ltd|inc|llc|gmbh|sas|sarl|s\.?a\.?|s\.?l\.?|ag|bv|corp|co\.)(?=\W|$)"
    r"|университет|институт|ассоциаци\w*|альянс|фонд|палат\w|центр|общество|федераци\w|лаборатори\w|"
    r"\bооо\b|\bао\b|جامعة|معهد|جمعية|شبكة|مؤسسة|غرفة|اتحاد|تحالف|مختبر|شركة|"
    r"大学|研究院|研究所|协会|協會|学会|联盟|聯盟|基金会|公司|实验室|商会",
    re.I,
)
_NOT_AN_ORG = re.compile(
    r"@|https?://|www\.|\d{3}|wipo|ompi|omp[iı]|всемирн|الويبو|知识产权组织|frontier tech(?:nolog\w*)? (?:session|"
    r"conversation)|technologies de pointe|tecnolog[ií]as de vanguardia|session|sesi[oó]n|conversation|"
    r"^(?:dear|bonjour|hola|hi|hello|merci|thanks?|gracias|regards|saludos|cordialement)\b",
    re.I,
)
_TEAM = re.compile(
    r"^(?:the\s+)?(?:team|équipe|equipo|l'équipe|el equipo)\s+(?:du\s+|de\s+la\s+|de\s+l'|de\s+|del\s+)?", re.I
)
_TRAILING_TEAM = re.compile(r"\s+(?:team|équipe)$", re.I)
_ACRONYM = re.compile(r"\s*[(（][^)）]{1,20}[)）]\s*$")
_CLOSING = re.compile(
    r"^(?:best|kind|warm)?\s*(?:regards|wishes)|^(?:cordialement|cdlt|bien à vous|salutations|atentamente|saludos|"
    r"un saludo|cordiales saludos|с уважением|مع التحية|مع خالص|وتفضلوا|此致|谢谢|謝謝|祝好|thanks|thank you|merci|"
    r"gracias|cheers|best)\b",
    re.I,
)
_ON_BEHALF = re.compile(
    r"(?i:on behalf of|au nom d[ue]|pour l[ea']|de la part d[ue]|en nombre de|en representación de|desde la|desde el|"
    r"от имени|باسم|代表)\s*(?i:the\s+|la\s+|el\s+|le\s+|l')?(?P<name>[A-ZÀ-ÖØ-Þ\u0410-\u042f][^\n.,;:!?]{2,80})",
)

_SUBJECT_ORG = re.compile(
    r"(?:^|[.!?]\s+|\n)(?:(?:The|Le|La|L'|El|Los|Las)\s+)?(?P<name>[A-ZÀ-ÖØ-Þ][^\n.,;:!?()]{3,80}?)\s*"
    r"(?:\([^)\n]{1,30}\)\s*)?(?:would like|wishes|is pleased|has the honou?r|intends|souhaite|aimerait|participera|"
    r"a l'honneur|quisiera|desea|tiene el honor|participará)\b"
)
_ROLE_AT = re.compile(
    r"^(?:co-?founder|founder|ceo|cto|coo|director|directeur|directrice|directora?|fundador[a]?|fondat(?:eur|rice)|"
    r"pr[ée]sident[ea]?|chair|head|lead|manager|researcher|chercheu(?:r|se)|investigador[a]?)\b[^,\n]{0,30}"
    r"(?:,|\s+at\s+|\s+@\s+|\s+chez\s+|\s+en\s+)\s*(?P<org>[A-Z][\w&.'’ -]{1,50})$",
    re.I,
)


def _clean(line: str) -> str:
    name = _ACRONYM.sub("", " ".join(line.split()).strip(" -–—,;:"))
    name = _TEAM.sub("", name)
    return _TRAILING_TEAM.sub("", name).strip(" -–—,;:")


def _is_org_line(line: str) -> bool:
    line = line.strip()
    return 2 < len(line) <= 90 and bool(_ORG_WORD.search(line)) and not _NOT_AN_ORG.search(line)


def organisation_in_signature(text: str) -> str | None:
    """An organisation's name on a line of the signature (after the closing, or among the last lines)."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith(">")]
    start = max(0, len(lines) - 6)
    for i in range(len(lines) - 1, max(-1, len(lines) - 14), -1):
        if _CLOSING.match(lines[i]):
            start = i + 1
            break
    for line in lines[start:]:
        role = _ROLE_AT.match(line)
        if role and not _NOT_AN_ORG.search(role.group("org")):
            return _clean(role.group("org")) or None
        for part in re.split(r"\s*[,|·•]\s+|\s+[-–—]\s+", line):
            if _is_org_line(part):
                return _clean(part) or None
    return None


def organisation_on_behalf(text: str) -> str | None:
    """The organisation of an "on behalf of …" / "desde la …" phrase, when it names one."""
    for match in _ON_BEHALF.finditer(text[:5000]):
        name = re.split(
            r"\s+(?:would|wishes|queremos|quisiera|souhaite|would like|de faire|to make|is|est|es)\b",
            match.group("name"),
        )[0]
        if _is_org_line(name):
            return _clean(name) or None
    return None


def organisation_as_subject(text: str) -> str | None:
    """An organisation opening a sentence as its subject: "Independent Inventors Guild would like to …"."""
    for match in _SUBJECT_ORG.finditer(text[:5000]):
        if _is_org_line(match.group("name")):
            return _clean(match.group("name")) or None
    return None


def organisation_of_sender(sender_name: str) -> str | None:
    """The sender's display name when it names an organisation rather than a person."""
    name = " ".join(sender_name.split())
    return _clean(name) or None if _is_org_line(name) else None


def find_organisation(text: str, sender_name: str) -> str | None:
    """The organisation a sender writes for: the signature, an "on behalf of" phrase, a sentence, the sender."""
    return (
        organisation_in_signature(text)
        or organisation_on_behalf(text)
        or organisation_as_subject(text)
        or organisation_of_sender(sender_name)
    )
