"""Mission, delegation and office phrases around a country name, in the six languages (regex grammar).

A name counts as the sender's own when a phrase runs up to it ("Permanent Mission of the …", "البعثة الدائمة
ل…") or starts right after it ("… Intellectual Property Office", "…常驻代表团"). Patterns are written in
plain spelling and folded like the text; heads are found per token, so a text is never scanned for them whole.
"""

from __future__ import annotations

import re

from handlers.word_forms import fold, fold_pattern

__all__ = ["HEAD_PREFIXES", "HEAD_WORDS", "PhraseContext"]

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
_BEFORE_RE = re.compile(fold_pattern("|".join(f"(?:{head}{tail})" for head, tail in _BEFORE)))


def _head_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """The literal words of the heads above: short ones as whole words, longer ones as word prefixes."""
    words = set()
    for head, _ in _BEFORE:
        words.update(re.findall(r"[^\W\d_]+", re.sub(r"\\[a-zA-Z]", " ", fold_pattern(head))))
    return frozenset(w for w in words if len(w) <= 2), tuple(sorted(w for w in words if len(w) > 2))


#: Where a phrase may start: found per token (cached), so the text is never scanned for heads as a whole.
HEAD_WORDS, HEAD_PREFIXES = _head_words()

#: Phrases that start right after a name ("… Intellectual Property Office", "…常驻代表团").
_AFTER_RE = re.compile(
    fold_pattern(
        r"(?:'s)?\s+(?:(?:national\s+)?(?:intellectual\s+property|industrial\s+property|patent(?:\s+and\s+trade\s*mark)?"
        r"|trade\s*mark|ip)\s+(?:office|institute|agency|authority|administration|department)|permanent\s+mission|mission"
        r"|delegation|embassy|government)\b"
        r"|\s*(?:(?:常驻|常駐|驻|駐)[^。，,；;\n]{0,40}?(?:代表团|代表團|代表处|代表處|大使馆|大使館)"
        r"|(?:特别行政区|特別行政區)?政府|常驻|常駐|驻|駐|代表团|代表團|代表处|代表處|大使馆|大使館"
        r"|(?:国家)?知识产权(?:局|署|厅|办公室)|(?:國家)?知識產權(?:局|署|廳|辦公室)|(?:专利|專利)(?:局|厅|廳)"
        r"|外交部|特许厅|特許廳|商标局|商標局)"
    )
)


class PhraseContext:
    """Folded context windows of a prepared text, computed on demand."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def before(self, heads: list[int], start: int) -> int | None:
        """Offset of the earliest head from which a full phrase runs up to the name at `start`."""
        lo = heads[0]
        window = fold(self._text[lo:start])
        for head in heads:
            if _BEFORE_RE.fullmatch(window, head - lo):
                return head
        return None

    def after(self, end: int, cjk: bool) -> int | None:
        """End offset of an office/mission phrase right after the name ending at `end`."""
        if cjk:  # Chinese needs no fold (and folding CJK text is the slow path of str.translate)
            m = _AFTER_RE.match(self._text, end, end + 80)
            return m.end() if m and m.end() > end else None
        m = _AFTER_RE.match(fold(self._text[end : end + 80]))
        return end + m.end() if m and m.end() > 0 else None
