"""Reads and validates the events file (``config/events.toml`` by default)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from handlers.events import Event


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
