"""Events and their deadlines (from the TOML file under ``config/``), and the pure deadline check."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, ValidationError, field_validator

SUBMISSIONS = ("speaker_request", "clearinghouse_update", "nomination")


class Event(BaseModel):
    """One meeting that submissions are sent for."""

    id: str
    name: str
    theme: str = ""
    session: int | None = None
    circular: str | None = None
    starts: date
    ends: date
    timezone: str = "Europe/Zurich"
    open_from: date | None = None
    reference_prefix: str = ""
    names: dict[str, str] = Field(default_factory=dict, description="The event's name per language.")
    deadlines: dict[str, date] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("deadlines")
    @classmethod
    def _known_categories(cls, value: dict[str, date]) -> dict[str, date]:
        unknown = set(value) - set(SUBMISSIONS)
        if unknown:
            raise ValueError(f"deadlines for unknown categories {sorted(unknown)}; use {list(SUBMISSIONS)}")
        return value

    def deadline_instant(self, category: str) -> datetime | None:
        """The first instant that is late for ``category``: midnight after the deadline day, local time."""
        day = self.deadlines.get(category)
        if day is None:
            return None
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(self.timezone)).astimezone(UTC)

    def opens_at(self) -> datetime:
        """When submissions start to be attributed to this event (``open_from``, else 60 days before)."""
        first = self.open_from or (self.starts - timedelta(days=60))
        return datetime.combine(first, time(0), tzinfo=ZoneInfo(self.timezone))

    def is_open(self, when: datetime) -> bool:
        """Whether ``when`` falls between the opening and the end of the event's last day."""
        end = datetime.combine(self.ends + timedelta(days=1), time(0), tzinfo=ZoneInfo(self.timezone))
        return self.opens_at() <= when < end


class EventsFile(BaseModel):
    """The whole events file."""

    events: list[Event]


class EventsError(Exception):
    """The events file is missing or wrong; the message names the file and the field."""


def load_events(path: Path) -> list[Event]:
    """Read and validate the events file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EventsError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise EventsError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return EventsFile.model_validate(data).events
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EventsError(f"{path}: {where}: {first['msg']}") from None


def deadline_status(category: str, received_at: datetime | None, event: Event | None) -> str:
    """``on_time`` | ``late`` | ``not_applicable``, from the server's arrival time only."""
    if event is None or received_at is None:
        return "not_applicable"
    cutoff = event.deadline_instant(category)
    if cutoff is None:
        return "not_applicable"
    return "on_time" if received_at < cutoff else "late"


_SESSION_WORDS = {
    12: r"12(?:th|e|ème|ª|\.ª|-?я|-?й|-?ой)?|twelfth|douzième|duodécima|двенадцат\w*|الثانية عشرة|第十二",
}


def match_event(text: str, received_at: datetime | None, events: list[Event]) -> tuple[Event | None, list[str]]:
    """The event a message is about: its circular number, its session number, else the one open at arrival."""
    for event in events:
        if event.circular:
            number = re.sub(r"\D", "", event.circular)
            if number and re.search(rf"(?<!\d){number}(?!\d)", text):
                return event, [f"event: circular {event.circular} mentioned"]
    for event in events:
        words = _SESSION_WORDS.get(event.session or -1)
        if words and re.search(rf"(?i)(?<![\w\d])(?:{words})\s*(?:session|sesión|сесси|الدورة|届|次)", text):
            return event, [f"event: session {event.session} mentioned"]
    if received_at is not None:
        open_events = [e for e in events if e.is_open(received_at)]
        if open_events:
            return open_events[0], [f"event: {open_events[0].id} open at arrival"]
        past = [e for e in events if e.opens_at() <= received_at]
        if past:  # after the event: still attributed (and late), never silently without a deadline
            latest = max(past, key=lambda e: e.opens_at())
            return latest, [f"event: {latest.id}, the latest opened before arrival"]
    return None, []
