"""Which of the six UN languages the sender wrote in: the script decides ar / zh / ru, py3langid en / fr / es.

Among the six languages the writing system alone tells Arabic, Chinese and Russian apart, exactly and in
microseconds; only Latin-script text needs a statistical model, and py3langid restricted to English,
French and Spanish is accurate on short text, deterministic, and small (see the triage benchmark).
"""

from __future__ import annotations

import re
from functools import lru_cache

LANGUAGES = ("ar", "zh", "en", "fr", "es", "ru")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|\d+")


def script_counts(text: str) -> dict[str, float]:
    """Letters per script; a Han character counts as three letters (one carries a word's meaning)."""
    counts = {"arabic": 0.0, "han": 0.0, "cyrillic": 0.0, "latin": 0.0}
    for ch in text:
        o = ord(ch)
        if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFEFF:
            counts["arabic"] += 1
        elif 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF:
            counts["han"] += 3
        elif 0x0400 <= o <= 0x04FF:
            counts["cyrillic"] += 1
        elif ch.isalpha() and o < 0x0250:
            counts["latin"] += 1
    return counts


@lru_cache(maxsize=1)
def _latin_identifier():  # noqa: ANN202 - py3langid has no type hints
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["en", "fr", "es"])
    return identifier


def detect_language(text: str) -> tuple[str, float]:
    """``(language, confidence)`` of ``text``; ``("und", 0.0)`` when it has too few letters."""
    cleaned = _NOISE.sub(" ", text)
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
    language, probability = _latin_identifier().classify(latin_only[:4000])
    return language, float(probability) * share


def warm_up() -> None:
    """Load the model now (parser processes call this once, so the first message is not slow)."""
    _latin_identifier()
