"""What triage knows besides the message: events, phrases, country tables, the language model, the triage model.

Built once by the shell (``config.knowledge.load_knowledge``) and passed in, so the core reads no file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.events import Calendar, Event
from handlers.language import LatinModel
from handlers.model import TriageModel
from handlers.phrases import PhraseBook

if TYPE_CHECKING:
    from handlers.country_tables import CountryTables


@dataclass(frozen=True)
class Knowledge:
    """Everything :func:`handlers.triage.triage` reads besides the message itself."""

    events: tuple[Event, ...]
    calendar: Calendar
    phrases: PhraseBook
    countries: CountryTables
    language: LatinModel
    model: TriageModel | None = None  # the learned layer; None: the rules alone decide
