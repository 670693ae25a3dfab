"""Which of the six UN languages the sender wrote in: the script decides ar / zh / ru, py3langid en / fr / es.

Among the six languages the writing system alone tells Arabic, Chinese and Russian apart, exactly and in
microseconds; only Latin-script text needs a statistical model, and py3langid restricted to English,
French and Spanish is accurate on short text, deterministic, and small (see the triage benchmark).
"""

from __future__ import annotations

import re
from typing import Protocol

LANGUAGES = ("ar", "zh", "en", "fr", "es", "ru")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[^\s@]{1,64}@\S{1,255}|\d+")  # bounded: linear on long tokens


_SCRIPTS = {
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufeff]"),
    "han": re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]"),
}
HAN_WEIGHT = 3  # one Han character carries about a word's meaning
MAX_CHARS = 4000
LATIN_SAMPLE = 800  # characters enough to tell English, French and Spanish apart


def script_counts(text: str) -> dict[str, float]:
    """Letters per script in the first ``MAX_CHARS`` characters; a Han character counts three."""
    sample = text[:MAX_CHARS]
    counts = {name: float(len(pattern.findall(sample))) for name, pattern in _SCRIPTS.items()}
    counts["han"] *= HAN_WEIGHT
    return counts


class LatinModel(Protocol):
    """A language identifier for Latin-script text (py3langid's, restricted to en/fr/es by the loader)."""

    def classify(self, text: str) -> tuple[str, float]: ...


def detect_language(text: str, model: LatinModel) -> tuple[str, float]:
    """``(language, confidence)`` of ``text``; ``("und", 0.0)`` when it has too few letters."""
    cleaned = _NOISE.sub(" ", text[: MAX_CHARS * 2])
    counts = script_counts(cleaned)
    total = sum(counts.values())
    if total < 3:
        return "und", 0.0
    script = max(counts, key=lambda k: counts[k])
    share = counts[script] / total
    if script == "arabic":
        return "ar", share
    if script == "han":
        return "zh", share
    if script == "cyrillic":
        return "ru", share
    latin_only = re.sub(r"[^\w\s'’.,;:!?¿¡-]|[\d_]", " ", cleaned)
    language, probability = model.classify(latin_only[:LATIN_SAMPLE])
    return language, float(probability) * share
