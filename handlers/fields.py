"""The facts staff need from each submission: who, which speaker, which delegates, which measure, which link.

Pure functions over the sender's own text (and attachment text); every field may be None when the
message does not say it — staff fill it in, the machine does not guess.
"""

from __future__ import annotations

import re
from typing import Any

from handlers.delegate_tables import table_delegates
from handlers.topics import find_topic

HONORIFICS = (
    r"Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?|Prof\.?|H\.?E\.?|Ambassador|Mme\.?|Mlle\.?|M\.|Monsieur|Madame|Sr\.?|Sra\.?|"
    r"Srta\.?|Dra\.?|Pr\.?|Señor|Señora|Don|Doña|г-н|г-жа|господин|госпожа|г\.|"
    r"Ing\.?|Lic\.?|Mtro\.?|Mtra\.?|Embajador(?:a)?|Ambassadeur|Ambassadrice|Eng\.?|Engr\.?|Atty\.?|"
    r"السيد(?:ة)?|الدكتور(?:ة)?|السفير(?:ة)?|الأستاذ(?:ة)?|المستشار(?:ة)?|المهندس(?:ة)?"
)
_HONORIFIC = re.compile(
    rf"(?<![\w.])(?P<title>{HONORIFICS})(?:\s*/)?(?:\s+(?:{HONORIFICS})(?=\s))*(?=\s)\s+", re.UNICODE
)  # a chain is one title: "H.E. Mr", "السيد المستشار"
_HONORIFIC_ONLY = re.compile(rf"^\s*(?P<title>{HONORIFICS})\s*/?\s*$", re.UNICODE)
_NAME_LINE = re.compile(
    r"^(?:(?:[A-ZÀ-ÖØ-Þ\u0410-\u042f\u0401][\w'’.\-]+\s+){1,4}[A-ZÀ-ÖØ-Þ\u0410-\u042f\u0401][\w'’\-]+|"
    r"[\u4e00-\u9fff]{2,4}|(?:[\u0600-\u06ff]+\s+){1,4}[\u0600-\u06ff]+)$"
)
_ZH_TITLE_TAIL = "长任员师授士理书事"
_ZH_HONORIFIC = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,4})(?P<title>先生|女士|博士|教授|大使)")
EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")  # bounded: linear
URL = re.compile(r"https?://[^\s<>\"'»)\]]+", re.IGNORECASE)
_NAME_STOP = re.compile(
    r"\s*(?:[,;(<،，；\[|–—:/]|\s-\s|\s{2,}|\t|$|\bemail\b|\be-mail\b|\bcourriel\b|\bcorreo\b)", re.I
)
_NAME_WORD = re.compile(r"^[\w'’.\-\u0621-\u064a]+$")

IN_PERSON = re.compile(
    r"in person|in-person|on[- ]site|physically|in geneva|présentiel|en personne|sur place|à genève|presencial|"
    r"en persona|en ginebra|очно|лично|в женеве|حضوري|حضورياً|شخصيا|في جنيف|现场|亲自|赴日内瓦|线下",
    re.I,
)
REMOTE = re.compile(
    r"remote(?:ly)?|virtual(?:ly)?|online|via zoom|by zoom|on zoom|à distance|en ligne|par zoom|a distancia|"
    r"en línea|por zoom|дистанционно|удаленно|удалённо|онлайн|по zoom|через zoom|عن بعد|افتراضي|عبر زووم|"
    r"عبر الإنترنت|线上|远程|在线|视频",
    re.I,
)
PRESENTATION = re.compile(
    r"presentation|présentation|presentación|ponencia|exposé|exposición|презентаци\w*|доклад\w*|"
    r"عرض(?:ا)? تقديمي|عرض|演示|报告|展示|slides|diapositivas|диапозитив",
    re.I,
)
STATEMENT = re.compile(
    r"statement|déclaration|declaración|intervention orale|заявлени\w*|выступлени\w* с заявлением|بيان|كلمة|"
    r"声明|致辞|发言稿",
    re.I,
)
TOPIC = re.compile(
    r"(?:entitled|titled|on the (?:topic|theme|subject) of|on the topic|topic:|title:|theme:|subject:|"
    r"intitulée?|sur le thème|sur le sujet|thème\s*:|titre\s*:|titulad[oa]|sobre el tema|tema\s*:|título\s*:|"
    r"на тему|тема\s*:|под названием|بعنوان|حول موضوع|الموضوع\s*:|题为|题目为|主题为|主题是|题目：|主题：|标题：)"
    r"\s*[«\"“„'‘「『]?(?P<topic>[^»\"”'’」』\n]{4,160})",
    re.I,
)
QUOTED_TITLE = re.compile(r"[«“\"「『](?P<topic>[^»”\"」』\n]{6,160})[»”\"」』]")

MEASURES = (
    (
        "examination_procedure",
        re.compile(
            r"examination (?:guidelines|procedures?|practice|manual)|procédures? d'examen|directives d'examen|"
            r"procedimientos? de examen|directrices de examen|экспертиз\w*|إجراءات الفحص|أدلة الفحص|فحص|审查",
            re.I,
        ),
    ),
    (
        "strategy",
        re.compile(r"strateg(?:y|ies|ic plan)|stratégie|estrategia|стратеги\w*|استراتيجي\w*|战略|策略", re.I),
    ),
    (
        "regulation",
        re.compile(
            r"regulation|décret|règlement|reglamento|decreto|постановлени\w*|регламент\w*|لائحة|نظام|条例|规定|办法",
            re.I,
        ),
    ),
    (
        "guideline",
        re.compile(
            r"guideline|guidance|lignes directrices|directives|directrices|lineamientos|guía|руководств\w*|"
            r"рекомендаци\w*|методическ\w*|مبادئ توجيهية|إرشادات|دليل|指南|指引",
            re.I,
        ),
    ),
    ("law", re.compile(r"\blaw\b|\bact\b|\bloi\b|\bley\b|закон\w*|قانون|法律|法\b", re.I)),
)


def _clean_name(text: str) -> str | None:
    cut = _NAME_STOP.search(text)
    name = text[: cut.start()] if cut else text
    words = name.split()
    kept: list[str] = []
    for word in words[:5]:
        if not _NAME_WORD.match(word):
            break
        kept.append(word)
    name = " ".join(kept).strip(" .,-")
    return name if len(name) >= 2 else None


_BULLET = re.compile(r"^\s*(?:[-•*·–—]|\d{1,2}[.)]|[a-z][.)]|\(\d{1,2}\))\s*")
_BARE_NAME = re.compile(
    r"^(?P<name>[\u4e00-\u9fff]{2,4}|(?:[A-ZÀ-ÖØ-Þ\u0410-\u042f][\w'’.\-]+\s+){1,3}[A-ZÀ-ÖØ-Þ\u0410-\u042f][\w'’\-]+)"
    r"\s*(?:[,，;；(（:：–—|]|\s-\s)"
)


_LABEL_WORD = re.compile(
    r"^(?:联系人|联络人|聯絡人|电话|電話|邮箱|郵箱|电邮|電郵|地址|传真|contact|tel|phone|e-?mail|fax|address|courriel|"
    r"correo|teléfono|téléphone|контакт|телефон|почта|адрес|الهاتف|البريد|للتواصل)\b",
    re.I,
)


def _person_near(line: str, *, bare: bool = False) -> tuple[str | None, str | None]:
    """(title, name) of the first honorific + name on ``line``; with ``bare``, a name opening a list line."""
    zh = _ZH_HONORIFIC.search(line)
    found = _HONORIFIC.search(line)
    if found and (not zh or found.start() <= zh.start()):
        return found.group("title"), _clean_name(line[found.end() :])
    if zh:
        name = zh.group("name")
        if len(name) == 4 and name[0] in _ZH_TITLE_TAIL:  # "司长赵明远先生": the title ends just before
            name = name[1:]
        return zh.group("title"), name
    if bare:
        plain = _BARE_NAME.match(_BULLET.sub("", line))
        if plain and not _LABEL_WORD.match(plain.group("name")):
            return None, plain.group("name").strip()
    return None, None


_CAPS_NAME = re.compile(
    r"(?<![\w'’\-])(?:[A-ZÀ-ÖØ-Þ\u0401\u0410-\u042f][\w'’\-]{1,30}\s+){1,3}[A-ZÀ-ÖØ-Þ\u0401\u0410-\u042f][\w'’\-]{1,30}"
)
_CJK_ROW_NAME = re.compile(r"^(?:\d{1,2}[.、)]?\s*)?(?P<name>[\u4e00-\u9fff]{2,4})(?:[\s|｜,，、]|$)")
_HEADER_LINE = re.compile(
    r"^\s*>?\s*(?:from|to|cc|sent|de|à|a|para|envoyé|enviado|от|кому|копия|من|إلى|نسخة|发件人|收件人|抄送)\s*[:：]",
    re.I,
)
_ROLE_ADDRESS = re.compile(
    r"^(?:info|contact|contacto|noreply|no-reply|donotreply|mission|mision|secretariat|secretaria|office|admin|mail|"
    r"postmaster|webmaster|registry|protocol|protocole|protocolo|geneva|geneve|ginebra)[@.]",
    re.I,
)


def _name_from_address(email: str) -> str:
    """A stand-in name from an address's local part (``a.diop`` → ``A Diop``) for staff to correct."""
    local = re.sub(r"[._+\-]+", " ", email.partition("@")[0]).strip()
    return local.title() or email


def _loose_name(before: str, line: str) -> str | None:
    """A name without an honorific before an address: a Russian full name, two to four capitalised words, or
    the Chinese name opening a table row (never on a header line such as ``From:``)."""
    if _HEADER_LINE.match(line):
        return None
    window = before[-160:]
    fio = _RU_FIO.search(window)
    if fio:
        return fio.group(0)
    row = _CJK_ROW_NAME.match(line)
    if row and row.start("name") < len(before):
        return row.group("name")
    caps = _CAPS_NAME.search(window)
    if caps and not _LABEL_WORD.match(caps.group(0)):
        return caps.group(0)
    return None


def extract_delegates(text: str, sender: str = "") -> list[dict[str, Any]]:
    """Delegates listed with an e-mail address: ``{name, title, email}``, in order, each once."""
    delegates: list[dict[str, Any]] = []
    seen: set[str] = set()
    lines = [line.strip() for line in text.splitlines()]
    table = table_delegates(text) if "@" in text else {}
    for i, line in enumerate(lines):
        if "@" not in line:
            continue
        for match in EMAIL.finditer(line):
            email = match.group(0).strip(".").lower()
            if email in seen or email.endswith("@wipo.int"):
                continue
            if email in table:  # a row of a delegation table: its name column, even the sender's own row
                seen.add(email)
                name, title = table[email]
                honorific = _HONORIFIC.match(name + " ")  # "السيدة مريم …" in the name column: the title apart
                if honorific and title is None:
                    title, name = honorific.group("title"), name[honorific.end() :].strip() or name
                delegates.append({"name": name, "title": title, "email": email})
                continue
            before = line[: match.start()]
            title, name = _person_near(before, bare=True)
            if name is None:  # the name may be a few lines above the address (tables, one field a line)
                above = [j for j in range(i - 1, max(-1, i - 12), -1) if lines[j]][:4]
                for k, j in enumerate(above):
                    if EMAIL.search(lines[j]):
                        break
                    title, name = _person_near(lines[j])
                    if name:
                        break
                    if _NAME_LINE.match(lines[j]) and k + 1 < len(above):  # a table: title, name, … a cell a line
                        only = _HONORIFIC_ONLY.match(lines[above[k + 1]])
                        if only:
                            title, name = only.group("title"), lines[j]
                            break
            if name is None and not _ROLE_ADDRESS.match(email):  # no honorific: a bare name, else the address alone
                name = _loose_name(before, line)
                if name is None and email != sender.lower() and not _HEADER_LINE.match(line):
                    name = _name_from_address(email)
            if name is None:
                continue
            seen.add(email)
            delegates.append({"name": name, "title": title, "email": email})
    return delegates


def extract_attendance(text: str) -> str | None:
    """``in_person`` | ``remote`` | ``mixed`` | None, from what the message says."""
    person, remote = bool(IN_PERSON.search(text)), bool(REMOTE.search(text))
    if person and remote:
        return "mixed"
    return "in_person" if person else "remote" if remote else None


def extract_format(text: str) -> str | None:
    """``presentation`` | ``statement`` | None."""
    presentation, statement = PRESENTATION.search(text), STATEMENT.search(text)
    if presentation and statement:
        return "presentation" if presentation.start() < statement.start() else "statement"
    return "presentation" if presentation else "statement" if statement else None


def extract_topic(text: str) -> str | None:
    """The title of a talk, when the message gives one."""
    return find_topic(text)


SPEAKER_CUE = re.compile(
    r"speaker|presenter|presented by|delivered by|given by|made by|will present|a cargo de|"
    r"présentée? par|prononcée? par|intervenant|orat(?:eur|rice)|interviendra|présentera|presentad[oa] por|"
    r"ponente|orador(?:a)?\b|presentará|presentaría|intervendrá|докладчик|выступит|выступающ\w*|с докладом выступит|"
    r"المتحدث|المتحدثة|سيلقي|ستلقي|سيقدم|ستقدم|يلقيها|主讲|发言人|演示人|报告人|主講|發言人|由.{0,20}(?:发言|介绍)",
    re.IGNORECASE,
)
_RU_FIO = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:вна|вич|ична|ич)\b")
_AFTER_CUE_NAME = re.compile(
    r"^[\s:：,，]*(?:(?:will be|would be|sera|serait|será|sería|est|es|is|yo|moi)[\s,]+)?"
    r"(?:(?:la|el|le|the|our|nuestra|nuestro|notre)\s+)?"
    r"(?P<name>(?:[A-ZÀ-ÖØ-Þ][\w'’\-]+\s+){1,3}[A-ZÀ-ÖØ-Þ][\w'’\-]+|[\u4e00-\u9fff]{2,3}(?=[，,。（(\s]|$))"
)


def _person_in(window: str) -> str | None:
    _title, name = _person_near(window)
    fio = _RU_FIO.search(window)
    if fio and (name is None or window.find(fio.group(0)) < window.find(name)):
        return fio.group(0)
    return name


# Chinese puts the speaker before the verb: "由国家知识产权局…陈晓雯处长介绍" (by … Director Chen Xiaowen, presenting)
_ZH_BY = re.compile(r"由(?P<body>[^，,。；;（(]{1,40}?)(?:作?(?:发言|介绍|报告|主讲|發言|介紹|報告|主講))")
_ZH_TITLE_AFTER = re.compile(r"(?:副?(?:处长|司长|局长|主任|部长|院长|所长|署长)|先生|女士|教授|博士|研究员|大使)$")
_ZH_BOUNDARY = "长任员授士使局部司院所处心会"  # the last character of a title or an office before a name
_ZH_CUE_SEGMENT = re.compile(r"^\s*(?:为|是|[:：])?\s*(?P<segment>[\u4e00-\u9fff]{2,40})(?=[，,。；;（(\s]|$)")


def _zh_name_in(segment: str) -> str | None:
    """The name closing an office-and-title run: "国家知识产权局副局长王明远" → 王明远, "…管理部陈晓雯处长" → 陈晓雯."""
    title = _ZH_TITLE_AFTER.search(segment)
    core = segment[: title.start()] if title else segment
    cut = max(core.rfind(c) for c in _ZH_BOUNDARY)
    name = core[cut + 1 :] if cut >= 0 else (core if title else "")
    return name if 2 <= len(name) <= 3 else None


_CYRILLIC_NAME = re.compile(
    r"(?<![\w\-])(?=(?:[А-ЯЁ][а-яё]+\s+){0,2}[А-ЯЁ][а-яё]*(?:ов|ова|ев|ева|ёв|ёва|ин|ина|ын|ына|ский|ская|цкий|цкая|"
    r"енко|ук|юк|ич|ян|дзе|швили|ко)(?![\w\-]))[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?:\s+[А-ЯЁ][а-яё]+){1,2}(?![\w\-])"
)


def _zh_speaker(text: str) -> str | None:
    for match in _ZH_BY.finditer(text):
        name = _zh_name_in(match.group("body"))
        if name:
            return name
    return None


def extract_speaker(text: str, sender_name: str) -> str | None:
    """The speaker named next to a cue ("speaker", "presented by", "выступит", "由…介绍" …), else the first
    person with an honorific, else the sender (a request in the first person)."""
    for cue in SPEAKER_CUE.finditer(text):
        after = text[cue.end() : cue.end() + 160]
        if len(after) == 160:  # never a name cut in two at the window's edge
            after = after[: after.rfind(" ")] if " " in after else after
        bare = _AFTER_CUE_NAME.match(after)
        sentence = re.split(r"\n\n|[.!?](?:\s|$)", after)[0]
        cyrillic = _CYRILLIC_NAME.search(sentence)  # Russian capitalises names only: "выступит директор … Бакыт Асанов"
        name = _person_in(after.split("\n\n")[0]) or (bare.group("name") if bare else None)
        zh = _ZH_CUE_SEGMENT.match(after) if not name else None
        name = name or (_zh_name_in(zh.group("segment")) if zh else None)
        name = name or (cyrillic.group(0) if cyrillic and not _ORGANISATION.search(cyrillic.group(0)) else None)
        if name:
            return name
    chinese = _zh_speaker(text)
    if chinese:
        return chinese
    for line in text.splitlines():
        name = _person_in(line)
        if name:
            return name
    return _person_sender(sender_name)


_ORGANISATION = re.compile(
    r"mission|misi[oó]n|ministr|minist[eè]re|office|oficina|bureau|department|d[ée]partement|direcci[oó]n|"
    r"direction|secr[ée]tar|relaciones|relations|international|institut|university|universit|universidad|"
    r"agency|agence|agencia|team|[ée]quipe|equipo|unit|unidad|service|servicio|division|divisi[oó]n|"
    r"association|asociaci[oó]n|federation|f[ée]d[ée]ration|centre|center|centro|council|conseil|consejo|"
    r"представительств|министерств|ведомств|управлени|департамент|отдел|служб|институт|университет|центр|"
    r"بعثة|وزارة|الهيئة|هيئة|إدارة|ادارة|مكتب|قسم|جامعة|مركز|المنظمة|"
    r"代表团|公司|部|局|司|处|中心|大学|学院|研究院|协会|办公室|团队",
    re.I,
)
_SURNAME_FIRST = re.compile(
    r"^(?P<last>[^\W\d][\w'’\-]+(?: [^\W\d][\w'’\-]+)?), (?P<first>[^\W\d][\w'’\-]+(?: [^\W\d][\w'’\-]+)?)$"
)


def _person_sender(sender_name: str) -> str | None:
    """The sender's display name when it names a person (``Marsh, Helen`` → ``Helen Marsh``, honorific dropped),
    None for a mission, an office or a team."""
    name = " ".join(sender_name.split())
    if not name or _ORGANISATION.search(name) or "@" in name or sum(c.isupper() for c in name) > 0.6 * len(name):
        return None
    title = _HONORIFIC.match(name + " ")
    if title:
        name = name[title.end() :].strip()
    swapped = _SURNAME_FIRST.match(name)
    if swapped:
        name = f"{swapped.group('first')} {swapped.group('last')}"
    return name or None


def extract_url(text: str) -> str | None:
    """The first link that is not WIPO's own."""
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        if "wipo.int" not in url.lower():
            return url
    return None


def extract_measure(text: str) -> str:
    """The kind of measure announced; ``other`` when none is named."""
    best: tuple[int, str] | None = None
    for kind, pattern in MEASURES:
        found = pattern.search(text)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), kind)
    return best[1] if best else "other"
