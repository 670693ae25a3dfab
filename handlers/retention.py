"""Retention of personal data: what of a stored message is past its keeping period (pure, over values).

Three kinds of data are kept for a number of days each (:class:`Retention`): the raw message, its attachments and
the delegates' details extracted from it. The clock starts at the end of the message's event (midnight after its
last day, in its time zone) when the events file has that event, else at the message's arrival. A kind with no
number of days is kept indefinitely. The shell (``service/retention.py``) reads the rows, asks :func:`due` and
removes what it says; this module never reads a file, the database or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from handlers.events import Event

MAX_DAYS = 36_500  # a hundred years: anything longer is a typo


class Kind(StrEnum):
    """What a purge removes, one retention period each."""

    RAW_MESSAGES = "raw_messages"  # the mail as received: archived bytes, text, HTML, headers, the ack as sent
    ATTACHMENTS = "attachments"  # the attached files and the text read from them
    DELEGATE_DETAILS = "delegate_details"  # names and e-mail addresses of the people a submission lists


KINDS = tuple(Kind)


class Retention(BaseModel):
    """Days each kind is kept (None: indefinitely); ``[events.retention]`` in the events file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    raw_messages_days: int | None = Field(None, ge=0, le=MAX_DAYS)
    attachments_days: int | None = Field(None, ge=0, le=MAX_DAYS)
    delegate_details_days: int | None = Field(None, ge=0, le=MAX_DAYS)

    def days(self, kind: Kind) -> int | None:
        """The keeping period of ``kind`` in days (None: kept indefinitely)."""
        return getattr(self, f"{kind.value}_days")

    def describe(self) -> str:
        """The periods as one line ("raw messages 365 d, attachments kept, …")."""
        return ", ".join(
            f"{kind.value.replace('_', ' ')} " + ("kept" if self.days(kind) is None else f"{self.days(kind)} d")
            for kind in KINDS
        )


@dataclass(frozen=True)
class Held:
    """What the decision needs of one stored message: its event, its arrival and which kinds it still holds."""

    id: int
    event: str | None
    arrived: datetime  # the server's arrival time (else when it was stored), aware
    holds: frozenset[Kind]


@dataclass(frozen=True)
class Clock:
    """When a message's keeping periods start, and which periods apply to it."""

    start: datetime
    retention: Retention
    rule: str  # "end of ft12" | "arrival"


@dataclass(frozen=True)
class Due:
    """One message with the kinds of its data that are past their keeping period."""

    id: int
    event: str | None
    kinds: frozenset[Kind]
    clock: Clock


def clock_of(held: Held, events: Mapping[str, Event], no_event: Retention) -> Clock:
    """The event's end and its retention when the events file has the message's event; else the arrival and the
    retention for mail with no event (a message whose event was taken out of the file counts as one without)."""
    event = events.get(held.event) if held.event else None
    if event is None:
        return Clock(held.arrived, no_event, "arrival")
    return Clock(event.ends_at(), event.retention, f"end of {event.id}")


def due_kinds(held: Held, clock: Clock, now: datetime) -> frozenset[Kind]:
    """The kinds ``held`` still holds whose keeping period has passed at ``now``."""
    kinds = set()
    for kind in held.holds:
        days = clock.retention.days(kind)
        if days is not None and now >= clock.start + timedelta(days=days):
            kinds.add(kind)
    return frozenset(kinds)


def due(messages: Iterable[Held], events: Sequence[Event], no_event: Retention, now: datetime) -> list[Due]:
    """Every message with something past its keeping period at ``now``, in the order given."""
    by_id = {event.id: event for event in events}
    found = []
    for held in messages:
        clock = clock_of(held, by_id, no_event)
        kinds = due_kinds(held, clock, now)
        if kinds:
            found.append(Due(held.id, held.event, kinds, clock))
    return found


def removable_blobs(purged: Iterable[str], still_used: Iterable[str]) -> set[str]:
    """The archive digests of purged data that no data still kept refers to (the archive stores equal bytes
    once: an attachment sent twice, or a raw message also attached to another, is one blob)."""
    return set(purged) - set(still_used)


PERSON_KEYS = ("name", "email")  # a delegate's title stays: it is what the per-gender count is read from


def named_people(fields: Mapping[str, Any] | None) -> int:
    """How many people a message's ``fields`` name: delegates with a name or an e-mail address, and a speaker."""
    if not isinstance(fields, Mapping):
        return 0
    delegates = fields.get("delegates")
    listed = delegates if isinstance(delegates, list) else []
    named = sum(1 for d in listed if isinstance(d, Mapping) and any(d.get(k) for k in PERSON_KEYS))
    return named + (1 if fields.get("speaker_name") else 0)


def without_people(value: Any) -> Any:
    """``value`` (fields, or any JSON holding fields: an audit entry, a correction) with the delegates' names and
    e-mail addresses and the speaker's name removed; each delegate keeps their title, so the number of delegates
    and their count per gender stay."""
    if isinstance(value, list):
        return [without_people(v) for v in value]
    if not isinstance(value, Mapping):
        return value
    cleaned: dict[str, Any] = {}
    for key, item in value.items():
        if key == "delegates" and isinstance(item, list):
            cleaned[key] = [_title_only(d) for d in item]
        elif key == "speaker_name":
            cleaned[key] = None
        else:
            cleaned[key] = without_people(item)
    return cleaned


def _title_only(delegate: Any) -> Any:
    if not isinstance(delegate, Mapping):
        return {}
    return {"title": delegate["title"]} if delegate.get("title") else {}
