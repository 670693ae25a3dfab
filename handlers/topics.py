"""The subject of a talk: what follows "a presentation on …", "une déclaration sur …", "доклад о …", "كلمة حول …",
"介绍…" in the sentence that asks to speak.

Pure functions over the sender's own text. A topic runs from its cue to the end of its sentence; staff trim it.
"""

from __future__ import annotations

import re

# an explicit title: "entitled", "on the topic:", "тема:", "بعنوان", "题目" (the title may open the next line)
TITLED = re.compile(
    r"(?:entitled|titled|on the (?:topic|theme|subject)(?: of)?|topic\s*[:\-–]|title\s*[:\-–]|theme\s*[:\-–]|"
    r"intitulée?|sur le thème|sur le sujet|thème\s*[:\-–]|titre\s*[:\-–]|titulad[oa]|sobre el tema|"
    r"tema\s*[:\-–]|título\s*[:\-–]|на тему|тема(?:\s+\w+)?\s*[:\-–—]|под названием|بعنوان|حول موضوع|"
    r"الموضوع\s*:|题为|题目(?:暂定)?为?|主题为|主题是|主题[：:]|标题[：:])"
    r"[ \t]*:?[ \t]*\n?[ \t]*",
    re.I,
)
# a talk: the noun or verb that the topic hangs on
TALK = re.compile(
    r"presentation|statement|intervention|talk|remarks|présentation|déclaration|exposé|communication|"
    r"presentación|declaración|intervención|exposición|ponencia|доклад\w*|заявлени\w*|выступ\w*|сообщени\w*|"
    r"презентаци\w*|كلمة|ببيان|بيان|عرض|بمداخلة|مداخلة|أتحدث|نتحدث",
    re.I,
)
# what introduces the subject after a talk word, within the same sentence
ABOUT = re.compile(
    r"(?<![\w'])(?:on|about|regarding|concerning|addressing|covering|on how|sur|concernant|portant sur|"
    r"portera sur|consacrée? à|relative à|sobre|acerca de|en torno a|referida a|relativa a|centrad[oa] en|"
    r"о|об|про|по теме|посвящ\w+|касающ\w+|حول|عن|بشأن|تتناول|يتناول)(?![\w'])[ \t\n]*",
    re.I,
)
# verbs that take the subject straight away, in any sentence
TELLS = re.compile(
    r"(?<![\w'])(?:speak (?:to|about|on)|present on|talk about|will address|would address|address(?:es)?|"
    r"focus(?:es|ed|ing)? on|centred on|centered on|describing|share our experience (?:with|on)|"
    r"parler de|présenter (?:notre|sa|son|ses|nos|la|le|les)|exposer|"
    r"comentar|presentar|hablar de|abordar|рассказать (?:о|об|про)|показать|نستعرض|نعرض|يستعرض|"
    r"介绍|分享|讲讲|谈谈|讲一下|内容是|内容为|围绕)(?![\w'])[ \t\n]*",
    re.I,
)
# starts that are not a subject: a date, the session, "behalf", "remote"
NOT_A_SUBJECT = re.compile(
    r"^(?:\W*\d|behalf\b|the\s+\d|the\s+(?:\w+\s+)?(?:session|segment|part|day)\b|the information|"
    r"(?:la|el|le|les|las|los)\s+(?:\d|séance|sesión|session|día|jour)|place\b|nom\b|nombre\b|"
    r"сесси|\d|بُعد|بعد|جلسة)",
    re.I,
)
_ABBREVIATION = re.compile(r"(?:^|[\s(])[\w]{1,3}$")
_SENTENCE_END = re.compile(r"[.!?;](?=[\s)\"”»]|$)|[。！？；]|\n[ \t]*\n")
_QUOTED = re.compile(r"^[«“\"「『《„]\s*(?P<topic>[^»”\"」』》]{4,200}?)\s*[»”\"」』》]")
_QUOTED_ANYWHERE = re.compile(r"[«“\"「『《](?P<topic>[^»”\"」』》\n]{6,160}(?:\n[^»”\"」』》\n]{1,160})?)[»”\"」』》]")
_TRIM = " \t\n.,:;«»\"“”'‘’—–-「」『』《》"


def _to_sentence_end(text: str, start: int, limit: int = 240) -> str:
    """From ``start`` to the end of its sentence (a period after a long word, a blank line, a bracket)."""
    quoted = _QUOTED.match(text, start)
    if quoted:
        return quoted.group("topic")
    for end in _SENTENCE_END.finditer(text, start, start + limit):
        if end.group(0) == "." and _ABBREVIATION.search(text, start, end.start()):
            continue
        return text[start : end.start()]
    return text[start : start + limit]


def _clean(topic: str) -> str | None:
    """One line, without its quotes and trailing punctuation; None when too short to be a subject."""
    topic = re.sub(r"\s+", " ", topic).strip(_TRIM)
    return topic if len(topic) >= 4 and not NOT_A_SUBJECT.match(topic) else None


def _titled(text: str) -> str | None:
    """The title after an explicit cue ("entitled", "тема:", "题目")."""
    for cue in TITLED.finditer(text):
        topic = _clean(_to_sentence_end(text, cue.end()))
        if topic:
            return topic
    return None


def _after_talk(text: str) -> str | None:
    """The subject after "presentation … on", "declaración … sobre", "كلمة … حول" in one sentence."""
    for talk in TALK.finditer(text):
        sentence = _to_sentence_end(text, talk.end(), limit=400)
        for about in ABOUT.finditer(sentence):
            topic = _clean(_to_sentence_end(sentence, about.end()))
            if topic:
                return topic
    return None


def _told(text: str) -> str | None:
    """The subject after a verb that takes it directly ("speak to", "présenter notre", "介绍")."""
    for verb in TELLS.finditer(text):
        topic = _clean(_to_sentence_end(text, verb.end()))
        if topic:
            return topic
    return None


def find_topic(text: str) -> str | None:
    """The title of a talk, when the message gives one: titled, then after a talk word, then a told subject,
    then the first quoted phrase."""
    found = _titled(text) or _after_talk(text) or _told(text)
    if found:
        return found
    quoted = _QUOTED_ANYWHERE.search(text)
    return _clean(quoted.group("topic")) if quoted else None
