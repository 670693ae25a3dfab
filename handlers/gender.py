"""A nominated delegate's gender as the nomination states it, through the title before the name.

Titles in the six languages (Mr / Ms / M. / Mme / Sr. / Sra. / г-н / г-жа / السيد / السيدة / 先生 / 女士 and
their long forms); anything else (Dr., Prof., H.E., none) is ``unknown``: the service never guesses from a name.
Pure functions over values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

GENDERS = ("female", "male", "unknown")

_DASHES = re.compile("[\u2010-\u2015\u2212]")
_ARABIC_MARKS = re.compile("[\u0640\u064b-\u0652]")  # tatweel and short-vowel marks


def _title_key(text: str) -> str:
    """A title folded for lookup: NFKC, case-folded, one kind of dash, Arabic alef/teh marbuta variants unified."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = _DASHES.sub("-", text)
    text = _ARABIC_MARKS.sub("", text)
    text = text.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ة", "ه")
    return text.rstrip(".。").strip()


FEMALE_TITLES = frozenset(
    _title_key(t)
    for t in (
        "Ms", "Mrs", "Miss", "Mme", "Mlle", "Madame", "Sra", "Srta", "Señora", "Doña", "Dra",
        "г-жа", "госпожа", "السيدة", "الدكتورة", "السفيرة", "الأستاذة", "女士", "夫人",
    )
)  # fmt: skip
MALE_TITLES = frozenset(
    _title_key(t)
    for t in (
        "Mr", "M.", "Monsieur", "Sr", "Señor", "Don",
        "г-н", "господин", "السيد", "الدكتور", "السفير", "الأستاذ", "先生",
    )
)  # fmt: skip


def _one_title(key: str) -> str:
    if key in FEMALE_TITLES:
        return "female"
    if key in MALE_TITLES:
        return "male"
    return "unknown"


def gender_of(title: object) -> str:
    """``female`` | ``male`` | ``unknown`` from a delegate's title (Dr., Prof., none: unknown)."""
    return _gender_of_text(title) if isinstance(title, str) else "unknown"


@lru_cache(maxsize=4096)  # a few dozen distinct titles in a whole event
def _gender_of_text(title: str) -> str:
    """A compound title ("H.E. Ms.", "Dr. Sra.") counts when exactly one of its words names a gender."""
    if not title.strip():
        return "unknown"
    key = _title_key(title)
    whole = _one_title(key)
    if whole != "unknown":
        return whole
    found = {_one_title(_title_key(word)) for word in re.split(r"[\s,;/&+]+", key) if word} - {"unknown"}
    return found.pop() if len(found) == 1 else "unknown"


def gender_counts(fields_rows: Iterable[Mapping[str, Any] | None]) -> dict[str, int]:
    """Delegates per gender over the ``fields`` of nominations (``delegates``: a list of {name, title, email})."""
    counts = dict.fromkeys(GENDERS, 0)
    for fields in fields_rows:
        delegates = fields.get("delegates") if isinstance(fields, Mapping) else None
        for delegate in delegates if isinstance(delegates, list) else []:
            counts[gender_of(delegate.get("title") if isinstance(delegate, Mapping) else None)] += 1
    return counts
