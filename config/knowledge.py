"""Loads what the pure core needs, once per process: events, phrase tables, session words, countries, language model.

The only place that reads the triage data files (``config/phrases/``, ``config/data/``) and library model files;
``handlers/`` receives the result as a :class:`~handlers.knowledge.Knowledge` value.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from config.countries import load_country_tables
from config.events import load_events
from handlers.events import SessionWords, build_calendar
from handlers.knowledge import Knowledge
from handlers.language import LatinModel
from handlers.model import ModelError, TriageModel, model_from_bytes
from handlers.phrases import PhraseBook, compile_phrases
from handlers.registry import KINDS, SIGNALS

HERE = Path(__file__).parent
PHRASES = HERE / "phrases"
DATA = HERE / "data"
DEFAULT_MODEL = DATA / "triage-model.json"  # built by `frontier-intake train --default` from the shipped data


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _joined(entry: dict[str, Any]) -> str:
    return "|".join(entry["any"])


@lru_cache(maxsize=1)
def load_phrases() -> PhraseBook:
    """The phrase file of every kind that has one and of every signal, in the registry's order."""
    tables: dict[str, list[tuple[float, str]]] = {}
    for name in (*(k.name for k in KINDS), *SIGNALS):
        path = PHRASES / f"{name}.toml"
        if path.exists():
            tables[name] = [(float(p["weight"]), _joined(p)) for p in _toml(path)["phrases"]]
    chinese = _toml(PHRASES / "traditional.toml")
    return compile_phrases(
        tables,
        submitting=_joined(_toml(PHRASES / "submitting.toml")),
        traditional=(chinese["traditional"], chinese["simplified"]),
    )


@lru_cache(maxsize=1)
def load_session_words() -> SessionWords:
    """How mail names a session by number or year (``config/data/sessions.toml``)."""
    return SessionWords.model_validate(_toml(DATA / "sessions.toml"))


@lru_cache(maxsize=1)
def load_latin_model() -> LatinModel:
    """py3langid's model, restricted to the three Latin-script UN languages."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["en", "fr", "es"])
    if hasattr(identifier, "_full_model"):  # the 97-language table (27 MiB) it keeps to allow another set_languages
        identifier._full_model = (identifier.nb_ptc, identifier.nb_pc, identifier.nb_classes)
    return identifier


@lru_cache(maxsize=4)
def load_model(path: Path) -> TriageModel | None:
    """The triage model in ``path`` (None when there is no such file: the rules decide alone).

    A file that is not a model raises :class:`ModelError` naming the file."""
    if not Path(path).is_file():
        return None
    try:
        return model_from_bytes(Path(path).read_bytes())
    except ModelError as exc:
        raise ModelError(f"{path}: {exc}") from None


@lru_cache(maxsize=4)
def load_knowledge(events_file: Path, model_file: Path | None = DEFAULT_MODEL) -> Knowledge:
    """The triage knowledge for ``events_file`` and the model in ``model_file`` (cached: each parser process
    loads it once; ``None``: no model, the rules alone)."""
    events = tuple(load_events(Path(events_file)))
    series = _toml(PHRASES / "series.toml")["any"]
    return Knowledge(
        events=events,
        calendar=build_calendar(events, load_session_words(), series),
        phrases=load_phrases(),
        countries=load_country_tables(),
        language=load_latin_model(),
        model=load_model(Path(model_file)) if model_file is not None else None,
    )
